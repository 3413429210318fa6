//! Finds where each value of a RON file sits, so that validation errors can name a line and column.
//!
//! Serde forgets positions once a value is deserialised; this scanner walks the (already parsed,
//! so syntactically valid) text again and records the position of every value under the same
//! field path the validator uses: `armies[3].location`, `troops.cavalry`, `between.1`. A group
//! with a single unnamed element (`Some(x)`, a newtype variant such as `All([...])`) is
//! transparent: its element keeps the group's path.
use std::collections::HashMap;

/// A 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Field path to position of the value (or map key) at that path.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    positions: HashMap<String, Position>,
}

/// Nesting deeper than this is not indexed; the parser refuses it long before.
const MAX_DEPTH: usize = 256;

impl SourceMap {
    /// Indexes `text`. Text that is not valid RON yields a partial map, never a panic.
    pub fn build(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut scanner = Scanner { chars: &chars, at: 0, line: 1, column: 1, map: HashMap::new() };
        scanner.skip_trivia();
        scanner.skip_attributes();
        scanner.value(String::new(), 0);
        SourceMap { positions: scanner.map }
    }

    /// The position of `path`, or of its nearest recorded ancestor (`a[1].b` then `a[1]` then `a`),
    /// or the start of the file.
    pub fn locate(&self, path: &str) -> Position {
        let mut current = path;
        loop {
            if let Some(p) = self.positions.get(current) {
                return *p;
            }
            match parent_path(current) {
                Some(parent) => current = parent,
                None => return Position { line: 1, column: 1 },
            }
        }
    }

    /// The exact position recorded for `path`, if any.
    pub fn get(&self, path: &str) -> Option<Position> {
        self.positions.get(path).copied()
    }
}

/// `a[1].b` -> `a[1]` -> `a` -> `` -> None.
fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

struct Scanner<'a> {
    chars: &'a [char],
    at: usize,
    line: usize,
    column: usize,
    map: HashMap<String, Position>,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn position(&self) -> Position {
        Position { line: self.line, column: self.column }
    }

    fn record(&mut self, path: &str, position: Position) {
        self.map.entry(path.to_string()).or_insert(position);
    }

    fn skip_trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.bump();
                    }
                }
                (Some('/'), Some('*')) => self.skip_block_comment(),
                _ => return,
            }
        }
    }

    fn skip_block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            if c == '/' && self.peek_at(1) == Some('*') {
                depth += 1;
                self.bump();
                self.bump();
            } else if c == '*' && self.peek_at(1) == Some('/') {
                self.bump();
                self.bump();
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else {
                self.bump();
            }
        }
    }

    /// `#![enable(...)]` lines at the top of a file.
    fn skip_attributes(&mut self) {
        while self.peek() == Some('#') {
            while let Some(c) = self.bump() {
                if c == ']' {
                    break;
                }
            }
            self.skip_trivia();
        }
    }

    fn value(&mut self, path: String, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        self.skip_trivia();
        let start = self.position();
        self.record(&path, start);
        match self.peek() {
            Some('(') => self.group(&path, depth),
            Some('[') => self.list(&path, depth),
            Some('{') => self.map(&path, depth),
            Some('"') => {
                self.string();
            }
            Some('\'') => self.char_literal(),
            Some('r') if matches!(self.peek_at(1), Some('"' | '#')) => self.raw_string(),
            Some('b') if self.peek_at(1) == Some('"') => {
                self.bump();
                self.string();
            }
            Some(c) if is_ident_start(c) => {
                self.identifier();
                self.skip_trivia();
                if self.peek() == Some('(') {
                    self.group(&path, depth);
                }
            }
            Some(_) => self.scalar(),
            None => {}
        }
    }

    fn identifier(&mut self) -> String {
        let mut name = String::new();
        // Raw identifiers: r#name
        if self.peek() == Some('r') && self.peek_at(1) == Some('#') {
            self.bump();
            self.bump();
        }
        while let Some(c) = self.peek() {
            if c.is_alphanumeric() || c == '_' {
                name.push(c);
                self.bump();
            } else {
                break;
            }
        }
        name
    }

    /// Numbers and anything else up to the next separator.
    fn scalar(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ',' | ')' | ']' | '}' | ':') || c.is_whitespace() || c == '/' {
                break;
            }
            self.bump();
        }
    }

    fn string(&mut self) -> String {
        let mut content = String::new();
        self.bump(); // opening quote
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    if let Some(escaped) = self.bump() {
                        content.push(escaped);
                    }
                }
                '"' => break,
                _ => content.push(c),
            }
        }
        content
    }

    fn raw_string(&mut self) {
        self.bump(); // r
        let mut hashes = 0;
        while self.peek() == Some('#') {
            hashes += 1;
            self.bump();
        }
        self.bump(); // opening quote
        'outer: while let Some(c) = self.bump() {
            if c == '"' {
                for i in 0..hashes {
                    if self.peek_at(i) != Some('#') {
                        continue 'outer;
                    }
                }
                for _ in 0..hashes {
                    self.bump();
                }
                return;
            }
        }
    }

    fn char_literal(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '\'' => return,
                _ => {}
            }
        }
    }

    /// Whether the scanner stands on `name :` (a named field), without moving.
    fn at_named_field(&self) -> bool {
        let mut i = self.at;
        if self.chars.get(i) == Some(&'r') && self.chars.get(i + 1) == Some(&'#') {
            i += 2;
        }
        match self.chars.get(i) {
            Some(c) if is_ident_start(*c) => {}
            _ => return false,
        }
        while self.chars.get(i).is_some_and(|c| c.is_alphanumeric() || *c == '_') {
            i += 1;
        }
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        self.chars.get(i) == Some(&':')
    }

    /// `( ... )`: named fields, a single transparent element, or a tuple.
    fn group(&mut self, path: &str, depth: usize) {
        self.bump(); // (
        self.skip_trivia();
        if self.at_named_field() {
            loop {
                self.skip_trivia();
                if matches!(self.peek(), Some(')') | None) {
                    break;
                }
                let name = self.identifier();
                self.skip_trivia();
                self.bump(); // :
                self.value(join_field(path, &name), depth + 1);
                if !self.separator(')') {
                    break;
                }
            }
        } else {
            let elements = self.count_elements(')');
            let mut index = 0;
            loop {
                self.skip_trivia();
                if matches!(self.peek(), Some(')') | None) {
                    break;
                }
                let element_path = if elements == 1 { path.to_string() } else { join_field(path, &index.to_string()) };
                self.value(element_path, depth + 1);
                index += 1;
                if !self.separator(')') {
                    break;
                }
            }
        }
        self.skip_trivia();
        self.bump(); // )
    }

    fn list(&mut self, path: &str, depth: usize) {
        self.bump(); // [
        let mut index = 0;
        loop {
            self.skip_trivia();
            if matches!(self.peek(), Some(']') | None) {
                break;
            }
            self.value(format!("{path}[{index}]"), depth + 1);
            index += 1;
            if !self.separator(']') {
                break;
            }
        }
        self.skip_trivia();
        self.bump(); // ]
    }

    fn map(&mut self, path: &str, depth: usize) {
        self.bump(); // {
        loop {
            self.skip_trivia();
            if matches!(self.peek(), Some('}') | None) {
                break;
            }
            let key_position = self.position();
            let key = match self.peek() {
                Some('"') => self.string(),
                _ => {
                    let from = self.at;
                    self.value(format!("{path}[?]"), depth + 1);
                    self.chars[from..self.at].iter().collect::<String>().trim().to_string()
                }
            };
            let entry_path = join_field(path, &key);
            self.record(&entry_path, key_position);
            self.skip_trivia();
            self.bump(); // :
            self.value(entry_path, depth + 1);
            if !self.separator('}') {
                break;
            }
        }
        self.skip_trivia();
        self.bump(); // }
    }

    /// After an element: consumes a comma and says whether more may follow.
    fn separator(&mut self, close: char) -> bool {
        self.skip_trivia();
        match self.peek() {
            Some(',') => {
                self.bump();
                true
            }
            Some(c) if c == close => false,
            _ => false,
        }
    }

    /// Counts the top-level elements of the group the scanner is inside, without moving.
    fn count_elements(&self, close: char) -> usize {
        let mut probe = Scanner { chars: self.chars, at: self.at, line: 0, column: 0, map: HashMap::new() };
        let mut count = 0;
        loop {
            probe.skip_trivia();
            if probe.peek().is_none() || probe.peek() == Some(close) {
                return count;
            }
            probe.skip_value();
            count += 1;
            if !probe.separator(close) {
                return count;
            }
        }
    }

    /// Moves past one value without recording anything.
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        loop {
            self.skip_trivia();
            match self.peek() {
                None => return,
                Some('(' | '[' | '{') => {
                    depth += 1;
                    self.bump();
                }
                Some(')' | ']' | '}') => {
                    if depth == 0 {
                        return;
                    }
                    depth -= 1;
                    self.bump();
                    if depth == 0 {
                        self.skip_trivia();
                        if self.peek() != Some('(') {
                            return;
                        }
                    }
                }
                Some(',') if depth == 0 => return,
                Some('"') => {
                    self.string();
                }
                Some('\'') => self.char_literal(),
                Some('r') if matches!(self.peek_at(1), Some('"' | '#')) => self.raw_string(),
                _ => {
                    self.bump();
                }
            }
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn join_field(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"#![enable(implicit_some)]
// a comment with "quotes" and (brackets
Scenario(
    id: "x",
    armies: [
        Army(id: "a", troops: {"cavalry": 10, "foot": 5}),
        Army(
            id: "b", /* nested /* comment */ here */
            location: "yanjng",
            commander: Some("guo"),
        ),
    ],
    relations: [Relation(between: ("song", "liao"))],
    trigger: All([Holds(faction: "jin", province: "yanjing"), Not(Flag("x"))]),
)
"#;

    #[test]
    fn finds_nested_fields_by_path() {
        let map = SourceMap::build(TEXT);
        assert_eq!(map.get("id"), Some(Position { line: 4, column: 9 }));
        assert_eq!(map.get("armies[1].location"), Some(Position { line: 9, column: 23 }));
        assert_eq!(map.get("armies[0].troops.foot"), Some(Position { line: 6, column: 47 }));
        assert_eq!(map.get("relations[0].between.1"), Some(Position { line: 13, column: 44 }));
    }

    #[test]
    fn single_element_groups_are_transparent() {
        let map = SourceMap::build(TEXT);
        assert!(map.get("armies[1].commander").is_some());
        assert_eq!(map.get("trigger[0].province"), Some(Position { line: 14, column: 51 }));
        assert!(map.get("trigger[1]").is_some());
    }

    #[test]
    fn unknown_paths_fall_back_to_their_nearest_ancestor() {
        let map = SourceMap::build(TEXT);
        assert_eq!(map.locate("armies[1].location.deeper[3]"), map.get("armies[1].location").unwrap());
        assert_eq!(map.locate("nothing"), Position { line: 3, column: 1 });
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in ["(((", "[a: b", "{\"x\"", "r#\"abc", "'", "/* open", "(a: (b, c,), d: [1,2,])", ""] {
            let _ = SourceMap::build(text);
        }
    }
}
