//! Personal information (个人信息, PIPL): what an erased customer is called, and a guard that
//! keeps phone numbers out of the free text that stays in the audit trail for good.

/// The name every erased customer carries (已删除客户, "deleted customer"), before his token.
pub const ERASED_NAME: &str = "已删除客户";

/// How many characters of the record's id make the token of an erased customer's name.
const TOKEN_LEN: usize = 8;

/// The name an erased customer keeps: [`ERASED_NAME`] and a short token taken from his record's
/// id (`已删除客户-3f1c2b8e`). The token is stable (the same record always gets the same one)
/// and tells erased customers apart in a list, yet carries nothing about the person: the id
/// was never personal data.
pub fn erased_name(customer_id: &str) -> String {
    let alnum: Vec<char> = customer_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let token: String = alnum[alnum.len().saturating_sub(TOKEN_LEN)..].iter().collect();
    format!("{ERASED_NAME}-{token}")
}

/// A decimal digit, ASCII or full width (as Chinese input methods type them).
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
        _ => None,
    }
}

/// Whether a run of digits is a number kefu would store as a phone: a mainland mobile
/// (`1[3-9]` and nine more) or a landline with its area code (`0`, 10–12 digits).
fn phone_like(digits: &str) -> bool {
    let b = digits.as_bytes();
    match b.first() {
        Some(b'1') => b.len() == 11 && (b'3'..=b'9').contains(&b[1]),
        Some(b'0') => (10..=12).contains(&b.len()),
        _ => false,
    }
}

/// Whether `text` holds a phone number: a mobile or a landline with its area code, its digits
/// possibly broken by single spaces or dashes (`138 1234 5678`, `0351-7654321`). Free text that
/// is kept in the audit trail (an erasure's reason) must not hold one. Dates and complaint
/// numbers (`2026-11-20`, `TS-2026-000123`) are not phone numbers.
pub fn looks_like_phone_number(text: &str) -> bool {
    let mut run = String::new();
    let mut separated = false;
    for c in text.chars() {
        if let Some(d) = digit(c) {
            run.push(d);
            separated = false;
        } else if (c == ' ' || c == '-') && !run.is_empty() && !separated {
            separated = true;
        } else {
            if phone_like(&run) {
                return true;
            }
            run.clear();
            separated = false;
        }
    }
    phone_like(&run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_erased_name_is_the_placeholder_and_a_stable_token_of_the_id() {
        let id = "019ab2f7-4444-7000-8000-0000003F1C2B";
        assert_eq!(erased_name(id), "已删除客户-003f1c2b");
        assert_eq!(erased_name(id), erased_name(id));
        assert_ne!(erased_name(id), erased_name("019ab2f7-4444-7000-8000-000000000061"));
        assert_eq!(erased_name("ab"), "已删除客户-ab");
    }

    #[test]
    fn phone_numbers_are_found_in_free_text_and_ordinary_numbers_are_not() {
        for text in [
            "本人来电 13812345678 要求删除",
            "电话0351-7654321",
            "138 1234 5678",
            "1381234-5678",
            "１３８１２３４５６７８",
        ] {
            assert!(looks_like_phone_number(text), "{text}");
        }
        for text in [
            "客户本人书面申请（2026-11-20）",
            "工单 TS-2026-000123",
            "PIPL 第47条",
            "",
            "12345678901",
        ] {
            assert!(!looks_like_phone_number(text), "{text}");
        }
    }
}
