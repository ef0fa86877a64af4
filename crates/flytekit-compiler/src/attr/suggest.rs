//! "Did you mean ...?" suggestions and lists of allowed names for error messages.
//!
//! Consumes a misspelled name and the names that are allowed where it was written; produces the
//! closest allowed name (if it is close enough to be a likely typo) and the text that lists the
//! allowed names.

/// The optimal-string-alignment edit distance between `a` and `b`: insertions, deletions,
/// substitutions and swaps of two adjacent characters each cost 1, so `retires` is 1 away from
/// `retries`, the typo people actually make.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rolling rows: the swap rule looks two rows back.
    let mut before_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The allowed name closest to `unknown`, if it is a plausible typo of it: at most a third of the
/// longer name's characters differ (at least one may), but not all of `unknown`'s (`z` is not a
/// typo of `a`); ties are broken by the order of `allowed`. Case is ignored, so `CPU` suggests
/// `cpu`.
pub fn did_you_mean<'a>(unknown: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let unknown = unknown.to_lowercase();
    allowed
        .iter()
        .map(|candidate| (edit_distance(&unknown, candidate), *candidate))
        .filter(|(distance, candidate)| {
            let longest = unknown.chars().count().max(candidate.chars().count());
            *distance <= (longest / 3).max(1) && *distance < unknown.chars().count()
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// `` `a`, `b`, `c` `` for use after "expected one of".
pub fn backticked_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("retries", "retries"), 0);
        assert_eq!(edit_distance("retry", "retries"), 3);
        assert_eq!(edit_distance("retrys", "retries"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn adjacent_swap_costs_one() {
        assert_eq!(edit_distance("retires", "retries"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
    }

    #[test]
    fn suggests_close_names_only() {
        let allowed = ["name", "retries", "timeout", "cache", "cpu", "mem"];
        assert_eq!(did_you_mean("retires", &allowed), Some("retries"));
        assert_eq!(did_you_mean("retrys", &allowed), Some("retries"));
        assert_eq!(did_you_mean("timeuot", &allowed), Some("timeout"));
        assert_eq!(did_you_mean("CPU", &allowed), Some("cpu"));
        assert_eq!(did_you_mean("memo", &allowed), Some("mem"));
        assert_eq!(did_you_mean("banana", &allowed), None);
        assert_eq!(did_you_mean("x", &allowed), None);
        assert_eq!(
            did_you_mean("z", &["a", "b"]),
            None,
            "replacing every character is no typo"
        );
        assert_eq!(did_you_mean("ab", &["a", "b"]), Some("a"));
    }

    #[test]
    fn ties_go_to_the_first_allowed_name() {
        assert_eq!(did_you_mean("ab", &["aa", "bb"]), Some("aa"));
    }

    #[test]
    fn lists_names_in_backticks() {
        assert_eq!(backticked_list(&["cpu", "mem"]), "`cpu`, `mem`");
        assert_eq!(backticked_list(&[]), "");
    }
}
