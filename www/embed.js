// The embed example's only script (CSP allows no inline scripts): ?n= sets every widget's samples.
const n = new URLSearchParams(location.search).get("n");
if (n) for (const el of document.querySelectorAll("bayes-ruler")) el.setAttribute("samples", n);
