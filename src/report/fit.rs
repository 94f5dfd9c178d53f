//! Keeping a rendered document under a size limit by leaving out rows, never
//! by cutting a row in half. Every part keeps its heading; the rows of long
//! tables and lists share the room fairly, so one huge table cannot push out
//! a short one, and each shortened part says how many rows it left out.

/// One part of a document: `head`, as many `rows` as fit, `more(n)` when `n`
/// rows were left out, then `tail`. Every piece ends with its own newlines.
pub struct Part {
    pub head: String,
    pub rows: Vec<String>,
    pub more: Box<dyn Fn(usize) -> String>,
    pub tail: String,
}

impl Part {
    /// Text that is always shown whole.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            head: text.into(),
            rows: Vec::new(),
            more: Box::new(|_| String::new()),
            tail: String::new(),
        }
    }

    fn rows_len(&self) -> usize {
        self.rows.iter().map(String::len).sum()
    }

    fn full_len(&self) -> usize {
        self.head.len() + self.rows_len() + self.tail.len()
    }

    /// Room kept for the "N more" line: its longest form.
    fn more_reserve(&self) -> usize {
        if self.rows.is_empty() {
            0
        } else {
            (self.more)(self.rows.len()).len()
        }
    }
}

/// The parts joined, at most `limit` bytes long.
pub fn fit(parts: Vec<Part>, limit: usize) -> String {
    let full: usize = parts.iter().map(Part::full_len).sum();
    if full <= limit {
        let mut out = String::with_capacity(full);
        for part in &parts {
            out.push_str(&part.head);
            for row in &part.rows {
                out.push_str(row);
            }
            out.push_str(&part.tail);
        }
        return out;
    }
    let fixed: usize = parts
        .iter()
        .map(|p| p.head.len() + p.tail.len() + p.more_reserve())
        .sum();
    let budgets = share(
        &parts.iter().map(Part::rows_len).collect::<Vec<_>>(),
        limit.saturating_sub(fixed),
    );
    let mut out = String::with_capacity(limit);
    for (part, budget) in parts.iter().zip(budgets) {
        out.push_str(&part.head);
        let mut used = 0;
        let mut shown = 0;
        for row in &part.rows {
            if used + row.len() > budget {
                break;
            }
            used += row.len();
            shown += 1;
            out.push_str(row);
        }
        if shown < part.rows.len() {
            out.push_str(&(part.more)(part.rows.len() - shown));
        }
        out.push_str(&part.tail);
    }
    hard_cut(out, limit)
}

/// Max-min fair shares of `room`: a part that needs less than an equal share
/// gets what it needs, and what it leaves goes to the others.
fn share(needs: &[usize], room: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..needs.len()).filter(|&i| needs[i] > 0).collect();
    order.sort_by_key(|&i| needs[i]);
    let mut budgets = vec![0; needs.len()];
    let mut left = room;
    let mut waiting = order.len();
    for i in order {
        let give = needs[i].min(left / waiting);
        budgets[i] = give;
        left -= give;
        waiting -= 1;
    }
    budgets
}

/// The last resort, when even the headings do not fit: cut at a line
/// boundary and say so.
fn hard_cut(text: String, limit: usize) -> String {
    if text.len() <= limit {
        return text;
    }
    const NOTE: &str =
        "\n_The rest of this report was left out to stay within GitHub's size limit._\n";
    let mut cut = limit.saturating_sub(NOTE.len());
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let cut = text[..cut].rfind('\n').map_or(0, |nl| nl + 1);
    let mut out = text[..cut].to_string();
    if out.len() + NOTE.len() <= limit {
        out.push_str(NOTE);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, rows: usize) -> Part {
        Part {
            head: format!("## {name}\n"),
            rows: (0..rows).map(|i| format!("| {name} {i:04} |\n")).collect(),
            more: Box::new(|n| format!("_{n} more rows not shown._\n")),
            tail: "\n".into(),
        }
    }

    #[test]
    fn everything_shown_when_it_fits() {
        let out = fit(vec![Part::text("# T\n"), table("a", 2)], 1000);
        assert_eq!(out, "# T\n## a\n| a 0000 |\n| a 0001 |\n\n");
    }

    #[test]
    fn long_table_gives_way_to_short_one() {
        let out = fit(vec![table("big", 1000), table("small", 3)], 600);
        assert!(out.len() <= 600, "{}", out.len());
        assert!(out.contains("| small 0002 |"));
        assert!(out.contains("| big 0000 |"));
        let shown = out.lines().filter(|l| l.starts_with("| big")).count();
        assert!(out.contains(&format!("_{} more rows not shown._", 1000 - shown)));
        assert!(!out.contains("small 0002 |\n_"), "the short table is whole");
    }

    #[test]
    fn rows_are_never_cut() {
        let out = fit(vec![table("a", 500), table("b", 500)], 2_000);
        assert!(out.len() <= 2_000);
        for line in out.lines().filter(|l| l.starts_with('|')) {
            assert!(line.ends_with(" |"), "{line}");
        }
    }

    #[test]
    fn fair_shares() {
        assert_eq!(share(&[10, 1000, 0, 50], 300), vec![10, 240, 0, 50]);
        assert_eq!(share(&[500, 500], 300), vec![150, 150]);
        assert_eq!(share(&[], 300), Vec::<usize>::new());
    }

    #[test]
    fn hard_cut_when_fixed_text_is_too_long() {
        let out = fit(vec![Part::text("line\n".repeat(100))], 200);
        assert!(out.len() <= 200);
        assert!(out.ends_with("size limit._\n"));
        assert!(out.starts_with("line\nline\n"));
    }
}
