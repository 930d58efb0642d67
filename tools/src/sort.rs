//! Stable sorting through one compiled copy of the standard library's sort. Every
//! `slice::sort_by` with its own comparator compiles the whole sort again (a few
//! kilobytes of WebAssembly each); these sort a permutation of indices instead, with
//! the comparator behind a reference, so the sort itself exists once and each caller
//! adds only the small step that puts its items in that order.

use std::cmp::Ordering;

/// The stable order of `n` items that `cmp` compares by index: the index of the item
/// that belongs at each position.
#[inline(never)]
fn order(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|a, b| cmp(*a, *b));
    idx
}

/// Sorts `v` stably by `cmp`, as `slice::sort_by` does.
pub fn by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut idx = order(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    // Follows each cycle of the permutation, swapping its items into place; a placed
    // position is marked by pointing at itself.
    for start in 0..idx.len() {
        let mut at = start;
        loop {
            let from = idx[at];
            idx[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

/// Sorts `v` stably by the key `key` gives each item, as `slice::sort_by_key` does.
pub fn by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` stably, as `slice::sort` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    by(v, T::cmp);
}

/// Collects into a map or set (`BTreeMap`, `BTreeSet`, serde_json's `Map`) by inserting
/// each item, a repeated key's last value kept, as `collect` keeps it. `collect` sorts
/// the items first, compiling a whole stable sort for every iterator type it is called
/// with.
pub fn insert_all<C: Default + Extend<T>, T>(items: impl IntoIterator<Item = T>) -> C {
    let mut c = C::default();
    c.extend(items);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_library_does() {
        let mut seed = 7u64;
        for len in 0..60 {
            let mut v: Vec<(u8, usize)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 59) as u8, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_by_key(|p| p.0);
            by_key(&mut v, |p| p.0);
            assert_eq!(v, want, "length {len}");
        }
    }
}
