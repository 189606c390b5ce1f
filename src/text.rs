//! Text helpers for messages that repeat input or OKX's output.

/// Returns `text` cut to at most `max_chars` characters, with `…` appended when it was cut, so
/// that an error message stays short whatever it quotes.
pub fn shorten(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept() {
        assert_eq!(shorten("abc", 3), "abc");
    }

    #[test]
    fn long_text_is_cut_at_characters() {
        assert_eq!(shorten("äöüß", 2), "äö…");
    }
}
