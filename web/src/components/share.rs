//! The share box: the link that rebuilds this cluster (what was typed and applied, and
//! the clock), to copy; whoever opens it gets the same cluster.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub url: AttrValue,
    pub dispatch: Callback<Action>,
}

#[function_component(Share)]
pub fn share(p: &Props) -> Html {
    let copied = use_state(|| None::<bool>);
    let input = use_node_ref();
    {
        // The link is selected as it shows, ready for Ctrl-C.
        let input = input.clone();
        use_effect_with(p.url.clone(), move |_| {
            if let Some(i) = input.cast::<HtmlInputElement>() {
                let _ = i.focus();
                i.select();
            }
        });
    }
    let copy = {
        let (url, copied) = (p.url.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let (url, copied) = (url.clone(), copied.clone());
            yew::platform::spawn_local(async move {
                copied.set(Some(crate::link::copy(&url).await));
            });
        })
    };
    let close = {
        let d = p.dispatch.clone();
        Callback::from(move |_: MouseEvent| d.emit(Action::CloseShare))
    };
    let onkeydown = {
        let d = p.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                d.emit(Action::CloseShare);
            }
        })
    };
    let note = match *copied {
        Some(true) => "Copied. Whoever opens it gets this cluster as it is now.".to_string(),
        Some(false) => "The browser would not copy it: select the link and copy it yourself.".to_string(),
        None => format!(
            "{} characters: what you typed and applied, and the clock. Nothing leaves your browser until you send it.",
            p.url.len()
        ),
    };
    html! {
        <div class="share" role="dialog" aria-label="Share this cluster" {onkeydown}>
            <input ref={input} class="share-link" type="text" readonly=true value={p.url.clone()} aria-label="Link to this cluster" />
            <div class="share-actions">
                <button class="copy active" onclick={copy}>{"Copy link"}</button>
                <button class="close" onclick={close}>{"Close"}</button>
            </div>
            <p class="share-note" role="status">{ note }</p>
        </div>
    }
}
