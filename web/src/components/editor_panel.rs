//! The editor panel: a manifest to apply, or the file `kubectl edit`, `vi`, `vim` or
//! `nano` waits on, with Save and Cancel.

use std::rc::Rc;

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::state::Action;

/// The manifest the panel starts with.
pub const EXAMPLE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n    ports:\n    - containerPort: 80\n";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub manifest: Rc<String>,
    pub status: Option<(bool, String)>,
    /// The file an editor has open and the text in the panel.
    pub edit: Option<Rc<(String, String)>>,
    /// For `vi`, `vim` or `nano`: the editor's name and the machine the file is on.
    pub editor: Option<(String, String)>,
    pub dispatch: Callback<Action>,
}

#[function_component(EditorPanel)]
pub fn editor_panel(p: &Props) -> Html {
    let act = |a: Action| super::on_click(&p.dispatch, a);
    let editing = p.edit.is_some();
    let oninput = {
        let d = p.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlTextAreaElement>().value();
            d.emit(if editing {
                Action::EditInput(text)
            } else {
                Action::ManifestInput(text)
            })
        })
    };
    match &p.edit {
        Some(edit) => {
            let (title, note) = match &p.editor {
                Some((editor, host)) => (
                    editor.clone(),
                    format!("Save writes the file on {host}; Cancel (or Ctrl-C in the terminal) closes the editor without saving."),
                ),
                None => (
                    "kubectl edit".to_string(),
                    "Save sends your changes to the server; Cancel (or Ctrl-C in the terminal) closes the editor without saving.".to_string(),
                ),
            };
            html! {
                <section class="yaml-panel editing" aria-label="Editor">
                    <h2>{ title }
                        <span>
                            <button class="apply" onclick={act(Action::EditDone(true))}>{"Save"}</button>
                            <button class="cancel" onclick={act(Action::EditDone(false))}>{"Cancel"}</button>
                        </span>
                    </h2>
                    <div class="yaml-file">{ &edit.0 }</div>
                    <textarea spellcheck="false" wrap="off" aria-label={format!("Contents of {}", edit.0)} value={edit.1.clone()} {oninput} />
                    <div class="yaml-status">{ note }</div>
                </section>
            }
        }
        None => html! {
            <section class="yaml-panel" aria-label="Manifest editor">
                <h2>{"Manifest"}<button class="apply" onclick={act(Action::Apply)}>{"kubectl apply"}</button></h2>
                <textarea spellcheck="false" aria-label="Manifest to apply" value={p.manifest.to_string()} {oninput} />
                { for p.status.as_ref().map(|(ok, text)| html! {
                    <div class={classes!("yaml-status", if *ok { "ok" } else { "error" })} role="status">{ text }</div>
                }) }
            </section>
        },
    }
}
