//! The editor panel: a manifest to apply, or the file `kubectl edit`, `vi`, `vim` or
//! `nano` waits on, with Save and Cancel; either can be tried as a dry run or diffed.

use std::rc::Rc;

use kubarium_core::playground::assist::{Assist, Problem};
use yew::prelude::*;

use super::code_editor::CodeEditor;
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
    pub problems: Rc<(String, Vec<Problem>)>,
    pub assist: Option<Rc<Assist>>,
    pub hover: Option<Rc<Assist>>,
    pub dispatch: Callback<Action>,
}

#[function_component(EditorPanel)]
pub fn editor_panel(p: &Props) -> Html {
    let act = |a: Action| super::on_click(&p.dispatch, a);
    let editing = p.edit.is_some();
    let on_change = {
        let d = p.dispatch.clone();
        Callback::from(move |text: String| {
            d.emit(if editing {
                Action::EditInput(text)
            } else {
                Action::ManifestInput(text)
            })
        })
    };
    let on_close = {
        let d = p.dispatch.clone();
        Callback::from(move |text: Option<String>| {
            if let Some(text) = &text {
                d.emit(Action::EditInput(text.clone()));
            }
            d.emit(Action::EditDone(text.is_some()))
        })
    };
    let tries = html! {
        <>
            <button class="try" title="kubectl apply --dry-run=server -f -: what the server would do, changing nothing" onclick={act(Action::Try(false))}>{"Dry run"}</button>
            <button class="try" title="kubectl diff -f -: how the live objects would change" onclick={act(Action::Try(true))}>{"Diff"}</button>
        </>
    };
    let (title, buttons, name, text, vi, note) = match &p.edit {
        Some(edit) => {
            let (title, vi, note) = match &p.editor {
                Some((editor, host)) => (
                    editor.clone(),
                    editor != "nano",
                    format!("on {host} · Save or :wq writes it · Cancel, :q! or Ctrl-C in the terminal leaves it unsaved"),
                ),
                None => (
                    "kubectl edit".to_string(),
                    true,
                    "Save or :wq sends your changes to the server · Cancel, :q! or Ctrl-C in the terminal leaves the object as it is".to_string(),
                ),
            };
            let buttons = html! {
                <span>
                    { tries.clone() }
                    <button class="apply" onclick={act(Action::EditDone(true))}>{"Save"}</button>
                    <button class="cancel" onclick={act(Action::EditDone(false))}>{"Cancel"}</button>
                </span>
            };
            (title, buttons, edit.0.clone(), edit.1.clone(), vi, note)
        }
        None => {
            let buttons = html! {
                <span>
                    { tries }
                    <button class="apply" onclick={act(Action::Apply)}>{"kubectl apply"}</button>
                </span>
            };
            (
                "Manifest".to_string(),
                buttons,
                "Manifest".to_string(),
                p.manifest.to_string(),
                false,
                String::new(),
            )
        }
    };
    html! {
        <section class={classes!("yaml-panel", editing.then_some("editing"))} aria-label={if editing { "Editor" } else { "Manifest editor" }}>
            <h2>{ title }{ buttons }</h2>
            if editing {
                <div class="yaml-file" title={note.clone()}>{ &name }<span class="hint">{ format!(" · {note}") }</span></div>
            }
            <CodeEditor {text} name={name.clone()} {vi} problems={p.problems.clone()} assist={p.assist.clone()}
                hover={p.hover.clone()} {on_change} {on_close} dispatch={p.dispatch.clone()} />
            { for p.status.as_ref().filter(|_| !editing).map(|(ok, text)| html! {
                <div class={classes!("yaml-status", if *ok { "ok" } else { "error" })} role="status">{ text }</div>
            }) }
        </section>
    }
}
