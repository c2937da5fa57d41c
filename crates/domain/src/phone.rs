//! Phone numbers (电话) are personal data: shown masked unless a role that needs the whole
//! number asks for it explicitly.

/// The pattern every stored number matches: a mainland mobile (`13812345678`) or a landline
/// with its area code (`010-12345678`, `0755-1234567`).
pub const PATTERN: &str = r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$";

/// The number with all but its first three and last four characters hidden:
/// `138****5678`, `010*****5678`.
pub fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let hidden = chars.len() - 7;
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - 4..]);
    out
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_three_and_four() {
        assert_eq!(mask("13812345678"), "138****5678");
        assert_eq!(mask("010-12345678"), "010*****5678");
        assert_eq!(mask("1234"), "****");
    }
}
