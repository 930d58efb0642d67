//! The inspector: the object clicked on the map, as `kubectl describe` and `kubectl get
//! -o yaml` show it, over the right-hand panels until closed (Escape or Close).

use yew::prelude::*;

use crate::state::{Action, Inspector as Open};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub open: Open,
    pub dispatch: Callback<Action>,
}

#[function_component(Inspector)]
pub fn inspector(p: &Props) -> Html {
    let act = |a: Action| super::on_click(&p.dispatch, a);
    let onkeydown = {
        let d = p.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                d.emit(Action::CloseInspector);
            }
        })
    };
    let panel = use_node_ref();
    {
        // Focus moves into the inspector when it opens, for keyboard users.
        let panel = panel.clone();
        use_effect_with(p.open.target.clone(), move |_| {
            if let Some(e) = panel.cast::<web_sys::HtmlElement>() {
                let _ = e.focus();
            }
        });
    }
    let yaml = p.open.yaml;
    let tab = |label: &'static str, is_yaml: bool| {
        let selected = yaml == is_yaml;
        html! {
            <button role="tab" class={classes!("tab", selected.then_some("active"))} aria-selected={selected.to_string()}
                onclick={act(Action::InspectorTab(is_yaml))}>{ label }</button>
        }
    };
    let body = if yaml {
        &p.open.inspection.yaml
    } else {
        &p.open.inspection.describe
    };
    html! {
        <section class="inspector" aria-label={format!("Inspector: {}", p.open.inspection.title)} tabindex="-1" ref={panel} {onkeydown}>
            <h2>
                <span class="inspector-title">{ &p.open.inspection.title }</span>
                <span>
                    <button class="refresh" onclick={act(Action::Inspect(p.open.target.clone()))} title="Read the object again">{"Refresh"}</button>
                    <button class="close" onclick={act(Action::CloseInspector)} aria-label="Close the inspector">{"Close"}</button>
                </span>
            </h2>
            <div role="tablist" class="tabs">{ tab("Describe", false) }{ tab("YAML", true) }</div>
            <pre class="inspector-body" role="tabpanel">{ body }</pre>
        </section>
    }
}
