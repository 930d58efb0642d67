//! The live cluster map: the control plane's components, one SVG card per node (its
//! status, roles, version, what its pods request of its CPU and memory, its taints and
//! any pressure), its pods as chips grouped by owner and coloured by status, and the pods
//! no node has taken yet. A node or pod clicked (or Enter on it) opens the inspector.

use std::rc::Rc;

use kubarium_core::view::{ClusterView, NodeView, PodView};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

use super::fleet::{fleet, totals, Viewport};
use crate::state::{Action, Target};

const CARD_W: i32 = 232;
const GAP: i32 = 14;
/// Where the chips start in a card: name, meta line, bars, taints and conditions above.
const HEADER_H: i32 = 92;
const CHIP_H: i32 = 20;
const CHIP_GAP: i32 = 4;
const LABEL_H: i32 = 15;

fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let head: String = name.chars().take(max.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

/// Enter or Space on a focused node or pod opens it, as a click does.
fn activate(open: &Callback<()>) -> Callback<KeyboardEvent> {
    let open = open.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            open.emit(());
        }
    })
}

fn opener(dispatch: &Callback<Action>, target: Target) -> Callback<()> {
    let d = dispatch.clone();
    Callback::from(move |_| d.emit(Action::Inspect(target.clone())))
}

fn chip(p: &PodView, x: i32, y: i32, w: i32, dispatch: &Callback<Action>) -> Html {
    // The name gives way to a long status (Terminating, ContainerCreating) so they never
    // overlap: a chip holds about 28 characters.
    let status = short(&p.status, 11);
    let name = short(
        &p.name,
        28usize.saturating_sub(status.chars().count()).min(21),
    );
    let class = classes!("chip", p.health.class(), p.system.then_some("system"));
    let open = opener(
        dispatch,
        Target {
            kind: "Pod".into(),
            namespace: Some(p.namespace.clone()),
            name: p.name.clone(),
        },
    );
    let label = format!(
        "Pod {}/{}: {} ({} ready)",
        p.namespace, p.name, p.status, p.ready
    );
    html! {
        <g class={class} data-pod={format!("{}/{}", p.namespace, p.name)} data-status={p.status.clone()}
            role="button" tabindex="0" aria-label={label.clone()}
            onclick={let o = open.clone(); move |_: MouseEvent| o.emit(())} onkeydown={activate(&open)}>
            <title>{ label }</title>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={CHIP_H.to_string()} rx="4" />
            <text x={(x + 7).to_string()} y={(y + 14).to_string()}>{ name }</text>
            <text class="chip-status" x={(x + w - 6).to_string()} y={(y + 14).to_string()} text-anchor="end">{ status }</text>
        </g>
    }
}

/// How a group of pods is labelled: its controllers (`Deployment web › ReplicaSet
/// web-5d4f`), or that they are static pods.
fn group_label(owners: &[String]) -> Option<String> {
    match owners {
        [] => None,
        [node] if node.starts_with("Node/") => Some("static pods".into()),
        chain => Some(
            chain
                .iter()
                .map(|o| o.replacen('/', " ", 1))
                .collect::<Vec<_>>()
                .join(" › "),
        ),
    }
}

/// The rows of a node's pods: a label where a group of owners starts, then its chips.
enum Row<'a> {
    Label(String),
    Pod(&'a PodView),
}

fn rows(pods: &[PodView]) -> Vec<Row<'_>> {
    let mut rows = vec![];
    let mut last: Option<&Vec<String>> = None;
    for p in pods {
        if last != Some(&p.owners) {
            if let Some(label) = group_label(&p.owners) {
                rows.push(Row::Label(label));
            }
            last = Some(&p.owners);
        }
        rows.push(Row::Pod(p));
    }
    rows
}

fn rows_height(rows: &[Row]) -> i32 {
    rows.iter()
        .map(|r| match r {
            Row::Label(_) => LABEL_H,
            Row::Pod(_) => CHIP_H + CHIP_GAP,
        })
        .sum()
}

/// A bar of what is requested of what the node can give.
fn bar(label: &str, (used, total): (i64, i64), shown: String, x: i32, y: i32) -> Html {
    const W: i32 = 50;
    let share = if total > 0 {
        used as f64 / total as f64
    } else {
        0.0
    };
    let filled = ((share.min(1.0) * f64::from(W)).round() as i32).max(0);
    let class = classes!("bar", (share > 0.9).then_some("full"));
    html! {
        <g class={class}>
            <title>{ format!("{label} requested: {shown} ({:.0}%)", share * 100.0) }</title>
            <text class="bar-label" x={x.to_string()} y={(y + 8).to_string()}>{ label }</text>
            <rect class="bar-track" x={(x + 26).to_string()} y={y.to_string()} width={W.to_string()} height="8" rx="2" />
            <rect class="bar-fill" x={(x + 26).to_string()} y={y.to_string()} width={filled.to_string()} height="8" rx="2" />
            <text class="bar-value" x={(x + 30 + W).to_string()} y={(y + 8).to_string()}>{ format!("{:.0}%", share * 100.0) }</text>
        </g>
    }
}

fn cpu_text(milli: i64) -> String {
    if milli % 1000 == 0 {
        format!("{}", milli / 1000)
    } else {
        format!("{milli}m")
    }
}

fn memory_text(bytes: i64) -> String {
    format!("{}Mi", bytes / (1024 * 1024))
}

fn card(node: &NodeView, x: i32, card_h: i32, dispatch: &Callback<Action>) -> Html {
    let y = GAP;
    let ready = node.status.starts_with("Ready");
    let state = if ready { "ready" } else { "notready" };
    let open = opener(
        dispatch,
        Target {
            kind: "Node".into(),
            namespace: None,
            name: node.name.clone(),
        },
    );
    let taints = match node.taints.as_slice() {
        [] => String::new(),
        [one] => short(one, 36),
        [first, rest @ ..] => format!("{} +{}", short(first, 31), rest.len()),
    };
    let mut cy = y + HEADER_H;
    let chips: Html = rows(&node.pods)
        .into_iter()
        .map(|r| match r {
            Row::Label(text) => {
                cy += LABEL_H;
                html! { <text class="group-label" x={(x + 10).to_string()} y={(cy - 4).to_string()}>{ short(&text, 38) }</text> }
            }
            Row::Pod(p) => {
                let chip = chip(p, x + 8, cy, CARD_W - 16, dispatch);
                cy += CHIP_H + CHIP_GAP;
                chip
            }
        })
        .collect();
    let (cpu, mem) = (node.cpu, node.memory);
    html! {
        <g class={classes!("node", state)} data-node={node.name.clone()}>
            <rect class="card" x={x.to_string()} y={y.to_string()} width={CARD_W.to_string()} height={card_h.to_string()} rx="8" />
            <g class="node-head" role="button" tabindex="0" aria-label={format!("Node {}: {}", node.name, node.status)}
                onclick={let o = open.clone(); move |_: MouseEvent| o.emit(())} onkeydown={activate(&open)}>
                <rect class="head-hit" x={x.to_string()} y={y.to_string()} width={CARD_W.to_string()} height="42" rx="8" />
                <text class="node-name" x={(x + 10).to_string()} y={(y + 20).to_string()}>{ &node.name }</text>
                <text class="node-status" x={(x + CARD_W - 10).to_string()} y={(y + 20).to_string()} text-anchor="end">{ short(&node.status, 26) }</text>
                <text class="node-meta" x={(x + 10).to_string()} y={(y + 36).to_string()}>{ format!("{} · {} · {}", node.roles, node.version, node.ip) }</text>
            </g>
            { bar("CPU", cpu, format!("{} of {}", cpu_text(cpu.0), cpu_text(cpu.1)), x + 10, y + 46) }
            { bar("MEM", mem, format!("{} of {}", memory_text(mem.0), memory_text(mem.1)), x + 118, y + 46) }
            <text class="node-taints" x={(x + 10).to_string()} y={(y + 70).to_string()}>
                <title>{ node.taints.join("\n") }</title>{ taints }</text>
            <text class="node-problems" x={(x + 10).to_string()} y={(y + 84).to_string()}>{ node.problems.join(" · ") }</text>
            { chips }
        </g>
    }
}

pub fn view(v: &ClusterView, dispatch: &Callback<Action>) -> Html {
    let n = v.nodes.len().max(1) as i32;
    let width = GAP + n * (CARD_W + GAP);
    let tallest = v
        .nodes
        .iter()
        .map(|node| rows_height(&rows(&node.pods)))
        .max()
        .unwrap_or(0);
    let card_h = HEADER_H + tallest + 8;
    let pending_rows = (v.pending.len() as i32 + n - 1) / n;
    let pending_h = if v.pending.is_empty() {
        0
    } else {
        34 + pending_rows * (CHIP_H + CHIP_GAP)
    };
    let height = GAP + card_h + GAP + pending_h;
    let cards = v
        .nodes
        .iter()
        .enumerate()
        .map(|(i, node)| card(node, GAP + i as i32 * (CARD_W + GAP), card_h, dispatch));
    let pending = (!v.pending.is_empty()).then(|| {
        let y0 = GAP + card_h + GAP;
        let chips = v.pending.iter().enumerate().map(|(j, p)| {
            let col = j as i32 % n;
            let row = j as i32 / n;
            chip(p, GAP + col * (CARD_W + GAP) + 8, y0 + 26 + row * (CHIP_H + CHIP_GAP), CARD_W - 16, dispatch)
        });
        html! {
            <g class="pending">
                <text class="pending-title" x={GAP.to_string()} y={(y0 + 14).to_string()}>{ format!("Not scheduled ({})", v.pending.len()) }</text>
                { for chips }
            </g>
        }
    });
    html! {
        <svg class="map" viewBox={format!("0 0 {width} {height}")} width="100%" preserveAspectRatio="xMidYMin meet">
            { for cards }
            { pending.unwrap_or_default() }
        </svg>
    }
}

/// What the map shows, said in words for screen readers.
fn summary(v: &ClusterView) -> String {
    let nodes: Vec<String> = v
        .nodes
        .iter()
        .map(|n| format!("{} {} with {} pods", n.name, n.status, n.pods.len()))
        .collect();
    let mut text = format!("{} nodes: {}.", v.nodes.len(), nodes.join("; "));
    if !v.pending.is_empty() {
        text.push_str(&format!(" {} pods not scheduled.", v.pending.len()));
    }
    text
}

/// The control plane's components, each as its static pod says.
fn control_plane(v: &ClusterView) -> Html {
    html! {
        <ul class="control-plane" aria-label="Control plane">
            { for v.control_plane.iter().map(|c| html! {
                <li class={classes!("component", c.health.class())} data-component={c.name.clone()} title={format!("{}: {}", c.name, c.status)}>
                    <span class="dot" aria-hidden="true"></span>{ c.name.trim_start_matches("kube-") }
                    <span class="sr-only">{ format!(": {}", c.status) }</span>
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub view: Rc<ClusterView>,
    pub started: bool,
    pub dispatch: Callback<Action>,
}

#[function_component(MapPanel)]
pub fn map_panel(p: &Props) -> Html {
    let v = &p.view;
    // For a large cluster's tiles: the part of the panel in view, measured after each
    // drawing and on scrolling.
    let panel = use_node_ref();
    let tiles = use_node_ref();
    let viewport = use_state_eq(Viewport::default);
    let measure = {
        let panel = panel.clone();
        let tiles = tiles.clone();
        let viewport = viewport.clone();
        move || {
            let (Some(p), Some(t)) = (panel.cast::<HtmlElement>(), tiles.cast::<HtmlElement>())
            else {
                return;
            };
            viewport.set(Viewport {
                top: f64::from(p.scroll_top()),
                height: f64::from(p.client_height()),
                width: f64::from(t.client_width()),
                offset: f64::from(t.offset_top()),
            });
        }
    };
    {
        let measure = measure.clone();
        use_effect(measure);
    }
    // Scrolling: a listener of the panel's own (scroll events do not bubble to where Yew
    // listens).
    {
        let panel = panel.clone();
        use_effect_with((), move |_| {
            let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(measure);
            let element = panel.cast::<HtmlElement>();
            if let Some(e) = &element {
                let _ =
                    e.add_event_listener_with_callback("scroll", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(e) = element {
                    let _ = e.remove_event_listener_with_callback(
                        "scroll",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    html! {
        <section class="map-panel" aria-label="Cluster map" ref={panel}>
            <h2>{"Cluster"}{ control_plane(v) }</h2>
            if v.nodes.is_empty() {
                <p class="map-wait">{ if p.started { "No nodes." } else { "Starting the cluster…" } }</p>
            } else if v.summarized {
                <p class="fleet-totals" role="status">{ totals(v) }</p>
                <div ref={tiles}>{ fleet(v, *viewport, &p.dispatch) }</div>
            } else {
                <p class="sr-only">{ summary(v) }</p>
                { view(v, &p.dispatch) }
            }
            <div class="legend" aria-hidden="true">
                <span class="dot running"></span>{"Running"}
                <span class="dot starting"></span>{"Starting"}
                <span class="dot failing"></span>{"Failing"}
                <span class="dot terminating"></span>{"Terminating"}
                <span class="dot done"></span>{"Completed"}
            </div>
        </section>
    }
}
