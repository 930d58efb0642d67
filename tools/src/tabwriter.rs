//! Column alignment with the semantics of Go's text/tabwriter, which kubectl uses for
//! tables (min width 6, padding 3) and describe output (min width 0, padding 2).

/// Aligns tab-terminated cells: each column block (consecutive lines that have a cell in
/// that column) is as wide as its widest cell plus `padding`, at least `min_width`.
pub fn align(text: &str, min_width: usize, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut widths = Vec::new();
    format(
        &lines,
        0,
        lines.len(),
        &mut widths,
        min_width,
        padding,
        &mut out,
    );
    // `split` gives one more line than there are newlines; drop the extra separator.
    out.pop();
    out
}

fn width(s: &str) -> usize {
    s.chars().count()
}

fn format(
    lines: &[Vec<&str>],
    mut line0: usize,
    line1: usize,
    widths: &mut Vec<usize>,
    min_width: usize,
    padding: usize,
    out: &mut String,
) {
    let column = widths.len();
    let mut this = line0;
    while this < line1 {
        if column + 1 >= lines[this].len() {
            this += 1;
            continue;
        }
        write_lines(lines, line0, this, widths, out);
        line0 = this;
        let mut w = min_width;
        while this < line1 && column + 1 < lines[this].len() {
            w = w.max(width(lines[this][column]) + padding);
            this += 1;
        }
        widths.push(w);
        format(lines, line0, this, widths, min_width, padding, out);
        widths.pop();
        line0 = this;
    }
    write_lines(lines, line0, line1, widths, out);
}

fn write_lines(lines: &[Vec<&str>], from: usize, to: usize, widths: &[usize], out: &mut String) {
    for line in &lines[from..to] {
        for (j, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if j + 1 < line.len() {
                if let Some(w) = widths.get(j) {
                    for _ in width(cell)..*w {
                        out.push(' ');
                    }
                }
            }
        }
        out.push('\n');
    }
}

/// kubectl's watch printer: each piece of output is aligned as it comes, and a column
/// never narrows below the widest cell of an earlier piece (tabwriter's RememberWidths).
/// Every line is taken to have the same columns, as table rows do.
#[derive(Debug, Clone, Default)]
pub struct Remembering {
    widths: Vec<usize>,
}

impl Remembering {
    /// Aligns `text` (kubectl's table settings: min width 6, padding 3).
    pub fn align(&mut self, text: &str) -> String {
        let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
        for line in &lines {
            for (j, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
                let w = (width(cell) + 3).max(6);
                match self.widths.get_mut(j) {
                    Some(old) => *old = (*old).max(w),
                    None => self.widths.push(w),
                }
            }
        }
        let mut out = String::new();
        write_lines(&lines, 0, lines.len(), &self.widths, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_go() {
        let t = "NAME\tREADY\tSTATUS\nnginx\t1/1\tRunning\n";
        assert_eq!(
            align(t, 6, 3),
            "NAME    READY   STATUS\nnginx   1/1     Running\n"
        );
        let d = "Name:\tnginx\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\n";
        assert_eq!(
            align(d, 0, 2),
            "Name:       nginx\nNamespace:  default\nIPs:\n  IP:  10.0.0.1\n"
        );
    }

    #[test]
    fn remembers_widths_across_pieces() {
        let mut w = Remembering::default();
        assert_eq!(w.align("NAME\tAGE\naaa\t0s\n"), "NAME   AGE\naaa    0s\n");
        assert_eq!(w.align("longer-name\t1s\n"), "longer-name   1s\n");
        assert_eq!(w.align("aaa\t2s\n"), "aaa           2s\n");
    }
}
