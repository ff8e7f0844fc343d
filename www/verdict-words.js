// The verdict in words. The spread is the signal: every pass draws every weight anew, and the
// answers agree as closely as for the children the model learnt from (confident), spread wider
// (uncertain: this is not what it learnt), or sit so close to the limit that this many passes
// cannot tell (undecided). `rule` is the module's verdictRule().

const px = (v) => `${v.toFixed(1)} px`;

/** The shipped rule measures the spread against a child's of the same height. */
function againstChildren(result, rule) {
  return rule.score === "ci90_vs_children" && Number.isFinite(result.spread);
}

/** How much wider than a child's the answers spread, when the shipped rule measures that. */
function relativeSpread(result, rule) {
  if (!againstChildren(result, rule)) return "";
  return `, ${result.spread.toFixed(1)}× as wide as a child's of that height`;
}

/** E.g. "about 51 px, confident (90% of the answers: 49.1 px–52.8 px, …)". */
export function describeVerdict(result, rule) {
  const [lo, hi] = result.ci90;
  const n = result.samples?.length;
  const passes = n ? `${n} passes` : "these passes";
  if (result.verdict === "confident") {
    return `about ${Math.round(result.mean)} px, confident (90% of the answers: ${px(lo)}–${px(hi)}, as tightly as for the children it learnt from)`;
  }
  if (result.verdictReason === "outside-frame") {
    return `uncertain: the answers (about ${Math.round(result.mean)} px) do not fit the 126-px frame, so this is not a silhouette the model knows (they spread over ${px(lo)}–${px(hi)})`;
  }
  if (result.verdict === "undecided") {
    const limit = againstChildren(result, rule) ? ` (the limit is ${rule.threshold.toFixed(2)}×)` : "";
    return `undecided: draw more passes (the answers spread over ${px(lo)}–${px(hi)}${relativeSpread(result, rule)}, too close to the limit${limit} to tell at ${passes})`;
  }
  return `uncertain: this does not look like a child (the answers spread over ${px(lo)}–${px(hi)}${relativeSpread(result, rule)}: the weights disagree, as they do for shapes the model never learnt)`;
}
