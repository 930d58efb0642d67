//! The live cluster map: one SVG card per node with its pods as chips coloured by status,
//! and the pods no node has taken yet.

use std::rc::Rc;

use kubarium_core::playground::State;
use kubarium_core::view::{ClusterView, PodView};
use yew::prelude::*;

const CARD_W: i32 = 210;
const GAP: i32 = 14;
const HEADER_H: i32 = 52;
const CHIP_H: i32 = 20;
const CHIP_GAP: i32 = 4;

fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        name.to_string()
    } else {
        let head: String = name.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

fn chip(p: &PodView, x: i32, y: i32, w: i32) -> Html {
    // The name gives way to a long status (Terminating, ContainerCreating) so they never
    // overlap: a chip holds about 26 characters.
    let status = short(&p.status, 11);
    let name = short(
        &p.name,
        26usize.saturating_sub(status.chars().count()).min(19),
    );
    let class = classes!("chip", p.health.class(), p.system.then_some("system"));
    html! {
        <g class={class} data-pod={format!("{}/{}", p.namespace, p.name)} data-status={p.status.clone()}>
            <title>{ format!("{}/{} — {} ({})", p.namespace, p.name, p.status, p.ready) }</title>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={CHIP_H.to_string()} rx="4" />
            <text x={(x + 7).to_string()} y={(y + 14).to_string()}>{ name }</text>
            <text class="chip-status" x={(x + w - 6).to_string()} y={(y + 14).to_string()} text-anchor="end">{ status }</text>
        </g>
    }
}

pub fn view(v: &ClusterView) -> Html {
    let n = v.nodes.len().max(1) as i32;
    let width = GAP + n * (CARD_W + GAP);
    let tallest = v
        .nodes
        .iter()
        .map(|node| node.pods.len() as i32)
        .max()
        .unwrap_or(0);
    let card_h = HEADER_H + tallest * (CHIP_H + CHIP_GAP) + 10;
    let pending_rows = (v.pending.len() as i32 + n - 1) / n;
    let pending_h = if v.pending.is_empty() {
        0
    } else {
        34 + pending_rows * (CHIP_H + CHIP_GAP)
    };
    let height = GAP + card_h + GAP + pending_h;
    let cards = v.nodes.iter().enumerate().map(|(i, node)| {
        let x = GAP + i as i32 * (CARD_W + GAP);
        let y = GAP;
        let state = if node.status.starts_with("Ready") { "ready" } else { "notready" };
        let chips = node.pods.iter().enumerate().map(|(j, p)| chip(p, x + 8, y + HEADER_H + j as i32 * (CHIP_H + CHIP_GAP), CARD_W - 16));
        html! {
            <g class={classes!("node", state)} data-node={node.name.clone()}>
                <rect class="card" x={x.to_string()} y={y.to_string()} width={CARD_W.to_string()} height={card_h.to_string()} rx="8" />
                <text class="node-name" x={(x + 10).to_string()} y={(y + 20).to_string()}>{ &node.name }</text>
                <text class="node-status" x={(x + CARD_W - 10).to_string()} y={(y + 20).to_string()} text-anchor="end">{ &node.status }</text>
                <text class="node-meta" x={(x + 10).to_string()} y={(y + 38).to_string()}>{ format!("{} · {} · {} pods", node.roles, node.ip, node.pods.len()) }</text>
                { for chips }
            </g>
        }
    });
    let pending = (!v.pending.is_empty()).then(|| {
        let y0 = GAP + card_h + GAP;
        let chips = v.pending.iter().enumerate().map(|(j, p)| {
            let col = j as i32 % n;
            let row = j as i32 / n;
            chip(p, GAP + col * (CARD_W + GAP) + 8, y0 + 26 + row * (CHIP_H + CHIP_GAP), CARD_W - 16)
        });
        html! {
            <g class="pending">
                <text class="pending-title" x={GAP.to_string()} y={(y0 + 14).to_string()}>{ format!("Not scheduled ({})", v.pending.len()) }</text>
                { for chips }
            </g>
        }
    });
    html! {
        <svg class="map" viewBox={format!("0 0 {width} {height}")} width="100%" preserveAspectRatio="xMidYMin meet" aria-hidden="true">
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

#[derive(Properties, PartialEq)]
pub struct Props {
    pub cluster: Rc<State>,
    pub started: bool,
}

#[function_component(MapPanel)]
pub fn map_panel(p: &Props) -> Html {
    let v = &p.cluster.view;
    html! {
        <section class="map-panel" aria-label="Cluster map">
            <h2>{"Cluster"}</h2>
            if v.nodes.is_empty() {
                <p class="map-wait">{ if p.started { "No nodes." } else { "Starting the cluster…" } }</p>
            } else {
                <p class="sr-only">{ summary(v) }</p>
                { view(v) }
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
