//! A bar between two panels that the learner drags (or moves with the arrow keys) to
//! share the space differently.

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, PointerEvent};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// Splits left from right (true) or top from bottom.
    pub vertical: bool,
    /// The first panel's share, in percent.
    pub value: f64,
    /// The new share: the pointer's place in the parent element, or a step of the keys.
    pub onchange: Callback<f64>,
    pub label: AttrValue,
}

#[function_component(Splitter)]
pub fn splitter(p: &Props) -> Html {
    let vertical = p.vertical;
    let onpointerdown = Callback::from(|e: PointerEvent| {
        if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
            let _ = el.set_pointer_capture(e.pointer_id());
        }
        e.prevent_default();
    });
    let onpointermove = {
        let onchange = p.onchange.clone();
        Callback::from(move |e: PointerEvent| {
            let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
                return;
            };
            if !el.has_pointer_capture(e.pointer_id()) {
                return;
            }
            let Some(parent) = el.parent_element() else {
                return;
            };
            let r = parent.get_bounding_client_rect();
            let share = if vertical {
                (f64::from(e.client_x()) - r.left()) / r.width()
            } else {
                (f64::from(e.client_y()) - r.top()) / r.height()
            };
            if share.is_finite() {
                onchange.emit(share * 100.0);
            }
        })
    };
    let onkeydown = {
        let (onchange, value) = (p.onchange.clone(), p.value);
        Callback::from(move |e: KeyboardEvent| {
            let step = match e.key().as_str() {
                "ArrowLeft" | "ArrowUp" => -5.0,
                "ArrowRight" | "ArrowDown" => 5.0,
                _ => return,
            };
            e.prevent_default();
            onchange.emit(value + step);
        })
    };
    html! {
        <div class={classes!("splitter", if vertical { "vertical" } else { "horizontal" })}
            role="separator" tabindex="0" aria-label={p.label.clone()}
            aria-orientation={if vertical { "vertical" } else { "horizontal" }}
            aria-valuenow={format!("{:.0}", p.value)} aria-valuemin="0" aria-valuemax="100"
            {onpointerdown} {onpointermove} {onkeydown} />
    }
}
