//! Panics in the browser. The wasm target aborts on panic: the instance traps and its state
//! (stack pointer, borrowed cells, a prediction's busy flag) is left as it was, so it must not be
//! used again. The hook says why in the console and tells the JS glue (`onPanic`), which then
//! rejects what was in flight with that message and starts a fresh instance for the next call.

use std::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::prelude::*;

thread_local! {
    static LISTENER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Installs the hook (once, from `run_static_constructors`).
pub(crate) fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let what = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let message = match info.location() {
            Some(at) => format!("bayes-ruler panicked: {what} (at {at})"),
            None => format!("bayes-ruler panicked: {what}"),
        };
        web_sys::console::error_1(&message.as_str().into());
        // `try_` everywhere: a panic while the listener is being replaced must still trap.
        let listener = LISTENER
            .try_with(|l| l.try_borrow().ok().and_then(|l| l.clone()))
            .ok()
            .flatten();
        if let Some(listener) = listener {
            let _ = listener.call1(&JsValue::NULL, &message.into());
        }
    }));
}

/// Registers `listener(message)`, called with the panic's message just before the instance
/// traps (it must not call back into this instance). `null` removes it.
#[wasm_bindgen(js_name = onPanic)]
pub fn on_panic(listener: Option<Function>) {
    crate::run_static_constructors();
    LISTENER.with_borrow_mut(|l| *l = listener);
}

/// For tests of the recovery only: panics with `message`, which kills this instance.
#[wasm_bindgen(js_name = panicForTests)]
pub fn panic_for_tests(message: String) {
    crate::run_static_constructors();
    panic!("{message}");
}
