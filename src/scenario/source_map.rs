//! Finds where each value of a RON file sits, so that validation errors can name a line and column.
//!
//! Serde forgets positions once a value is deserialised; this scanner walks the text again and
//! records the position of every value under the same field path the validator uses:
//! `armies[3].location`, `troops.cavalry`, `between.1`. A group with a single unnamed element
//! (`Some(x)`, a newtype variant such as `All([...])`) is transparent: its element keeps the
//! group's path.
//!
//! Any text is indexed in time and memory linear in its length, whatever its nesting or however
//! long its map keys: one pass first pairs every bracket and counts the elements of every group
//! (so the scanner never looks ahead more than a name); values nested deeper than [`MAX_DEPTH`]
//! are stepped over once, unrecorded; paths are kept as a tree whose nodes each hold one segment
//! (`name`, `.name`, `[3]`, `.KEY`), so a long map key is stored once, not once per value
//! beneath it.
use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};

/// A 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Stands for "not recorded": lines start at 1.
const UNSET: Position = Position { line: 0, column: 0 };

/// No node.
const NONE: u32 = u32::MAX;

/// Nesting deeper than this is not indexed but stepped over; the parser refuses it long before.
const MAX_DEPTH: usize = 256;

/// The modulus of segment fingerprints, the Mersenne prime 2^61 - 1.
const MODULUS: u64 = (1 << 61) - 1;

/// One recorded path: its parent's path followed by one segment.
#[derive(Clone, Debug)]
struct Node {
    parent: u32,
    /// The next child of the same parent whose segment has the same fingerprint (a collision).
    next: u32,
    /// The segment, `segments[start..end]`: `name` (under the root), `.name`, `[3]` or `.KEY`.
    start: usize,
    end: usize,
    /// Where the value (or the map key) at this path starts; [`UNSET`] if it was never reached.
    position: Position,
}

/// Field path to position of the value (or map key) at that path.
#[derive(Clone, Debug)]
pub struct SourceMap {
    /// Node 0 is the root, the empty path.
    nodes: Vec<Node>,
    /// Every node's segment, end to end.
    segments: String,
    /// (parent, fingerprint of the segment) to the first child with it.
    children: HashMap<(u32, u64), u32>,
    /// The base of the fingerprints, drawn at random so that no file can be written to collide.
    base: u64,
}

impl Default for SourceMap {
    fn default() -> Self {
        let root = Node { parent: NONE, next: NONE, start: 0, end: 0, position: UNSET };
        // Any base in [2^32, 2^61 - 2] will do; the randomness only defeats crafted collisions.
        let base = (RandomState::new().hash_one(0x5eed_u64) % (MODULUS - (1 << 32) - 1)) + (1 << 32);
        SourceMap { nodes: vec![root], segments: String::new(), children: HashMap::new(), base }
    }
}

impl SourceMap {
    /// Indexes `text`. Text that is not valid RON yields a partial map, never a panic.
    pub fn build(text: &str) -> Self {
        build_counting(text).0
    }

    /// The position of `path`, or of its nearest recorded ancestor (`a[1].b` then `a[1]` then `a`),
    /// or the start of the file.
    pub fn locate(&self, path: &str) -> Position {
        let mut best: Option<(usize, u32)> = None;
        self.walk(path, |node, end| {
            // The longest recorded prefix; of two nodes with the same path, the first recorded.
            let better = match best {
                None => true,
                Some((best_end, best_node)) => end > best_end || (end == best_end && node < best_node),
            };
            if better {
                best = Some((end, node));
            }
        });
        best.map_or(Position { line: 1, column: 1 }, |(_, node)| self.nodes[node as usize].position)
    }

    /// The exact position recorded for `path`, if any.
    pub fn get(&self, path: &str) -> Option<Position> {
        let mut found: Option<u32> = None;
        self.walk(path, |node, end| {
            if end == path.len() && found.is_none_or(|f| node < f) {
                found = Some(node);
            }
        });
        found.map(|node| self.nodes[node as usize].position)
    }

    /// How many values (and map keys) have a recorded position.
    pub fn values(&self) -> usize {
        self.nodes.iter().filter(|n| n.position != UNSET).count()
    }

    /// The bytes of path segments stored: at most the text's length plus a few bytes per value
    /// (a list index), however deep the values or long the keys above them.
    pub fn segment_bytes(&self) -> usize {
        self.segments.len()
    }

    /// The path of the innermost recorded value that starts at or before `position`: for a place
    /// inside a value, the value (or its nearest recorded ancestor) that holds it.
    pub fn path_at(&self, position: Position) -> String {
        let found = self
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.position != UNSET && n.position <= position)
            .max_by_key(|(i, n)| (n.position, *i))
            .map_or(0, |(i, _)| i);
        let mut chain = Vec::new();
        let mut node = found;
        while node != NONE as usize {
            chain.push(node);
            node = self.nodes[node].parent as usize;
        }
        chain.iter().rev().map(|&n| &self.segments[self.nodes[n].start..self.nodes[n].end]).collect()
    }

    /// Calls `visit(node, end)` for every recorded node whose path is `path[..end]`, with `end`
    /// the length of `path` or the place of a `.` or `[` in it.
    ///
    /// A map key may itself hold `.` or `[`, so each candidate segment (up to every separator) is
    /// tried; a node is reached along one path only, and the fingerprints of all prefixes of
    /// `path` are computed once, so each candidate costs a table lookup.
    fn walk(&self, path: &str, mut visit: impl FnMut(u32, usize)) {
        let bytes = path.as_bytes();
        let mut prefix = Vec::with_capacity(bytes.len() + 1);
        let mut power = Vec::with_capacity(bytes.len() + 1);
        prefix.push(0);
        power.push(1);
        for (i, &b) in bytes.iter().enumerate() {
            prefix.push(add(mul(prefix[i], self.base), u64::from(b) + 1));
            power.push(mul(power[i], self.base));
        }
        let ends: Vec<usize> =
            (1..=bytes.len()).filter(|&e| e == bytes.len() || matches!(bytes[e], b'.' | b'[')).collect();
        let mut stack = vec![(0u32, 0usize)];
        while let Some((node, from)) = stack.pop() {
            if self.nodes[node as usize].position != UNSET {
                visit(node, from);
            }
            let first = ends.partition_point(|&e| e <= from);
            for &end in &ends[first..] {
                let fingerprint = sub(prefix[end], mul(prefix[from], power[end - from]));
                let mut child = self.children.get(&(node, fingerprint)).copied().unwrap_or(NONE);
                while child != NONE {
                    let n = &self.nodes[child as usize];
                    if self.segments.as_bytes()[n.start..n.end] == bytes[from..end] {
                        stack.push((child, end));
                        break;
                    }
                    child = n.next;
                }
            }
        }
    }

    /// The child of `parent` with `segment`, made if there is none.
    fn child(&mut self, parent: u32, segment: &str) -> u32 {
        let fingerprint = segment.bytes().fold(0, |h, b| add(mul(h, self.base), u64::from(b) + 1));
        let head = self.children.get(&(parent, fingerprint)).copied().unwrap_or(NONE);
        let mut child = head;
        while child != NONE {
            let n = &self.nodes[child as usize];
            if &self.segments[n.start..n.end] == segment {
                return child;
            }
            child = n.next;
        }
        let Ok(id) = u32::try_from(self.nodes.len()) else {
            // Four billion values cannot come from a file the loader reads; record no more.
            return parent;
        };
        if id == NONE {
            return parent;
        }
        let start = self.segments.len();
        self.segments.push_str(segment);
        self.nodes.push(Node { parent, next: head, start, end: self.segments.len(), position: UNSET });
        self.children.insert((parent, fingerprint), id);
        id
    }

    /// Records where the value at `node` starts, unless an earlier place was recorded.
    fn record(&mut self, node: u32, position: Position) {
        let n = &mut self.nodes[node as usize];
        if n.position == UNSET {
            n.position = position;
        }
    }

    /// `.name` under `parent` (`name` under the root).
    fn field(&mut self, parent: u32, name: &str) -> u32 {
        if parent == 0 { self.child(parent, name) } else { self.child(parent, &format!(".{name}")) }
    }
}

fn add(a: u64, b: u64) -> u64 {
    let s = a + b;
    if s >= MODULUS { s - MODULUS } else { s }
}

fn sub(a: u64, b: u64) -> u64 {
    if a >= b { a - b } else { a + MODULUS - b }
}

fn mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    // p = hi * 2^61 + lo, and 2^61 = 1 modulo 2^61 - 1.
    let lo = (p as u64) & MODULUS;
    let hi = (p >> 61) as u64;
    add(lo, hi % MODULUS)
}

/// The map of `text` and the work its building took (characters stepped over, in all passes).
fn build_counting(text: &str) -> (SourceMap, usize) {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let chars: Vec<char> = text.chars().collect();
    let brackets = Brackets::scan(&chars, usize::MAX);
    let mut scanner = Scanner {
        chars: &chars,
        at: 0,
        line: 1,
        column: 1,
        map: SourceMap::default(),
        brackets: &brackets,
        work: brackets.work,
    };
    scanner.skip_trivia();
    scanner.skip_attributes();
    scanner.value(0, 0);
    let work = scanner.work;
    (scanner.map, work)
}

/// Where a bracket opens more than `limit` levels deep in `text` (the outermost bracket is level
/// 1), if one does.
pub(crate) fn nesting_beyond(text: &str, limit: usize) -> Option<Position> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let chars: Vec<char> = text.chars().collect();
    let at = Brackets::scan(&chars, limit).beyond?;
    let mut position = Position { line: 1, column: 1 };
    for &c in &chars[..at] {
        if c == '\n' {
            position = Position { line: position.line + 1, column: 1 };
        } else {
            position.column += 1;
        }
    }
    Some(position)
}

/// A bracketed group: where it opens and closes, and how many elements it holds at its top level.
#[derive(Clone, Copy, Debug)]
struct Group {
    open: usize,
    /// The index of the closing bracket, or the length of the text if it never closes.
    close: usize,
    elements: usize,
}

/// Every bracket of a text paired, in one pass that knows strings, raw strings, characters and
/// comments.
struct Brackets {
    /// In the order they open.
    groups: Vec<Group>,
    /// The first bracket opening more levels deep than the limit asked for.
    beyond: Option<usize>,
    /// Characters stepped over.
    work: usize,
}

/// A group still open during [`Brackets::scan`].
struct Open {
    group: usize,
    commas: usize,
    /// Whether anything but trivia came since the opening bracket.
    content: bool,
    /// Whether the last thing that came was a comma.
    trailing_comma: bool,
}

impl Brackets {
    fn scan(chars: &[char], limit: usize) -> Self {
        let mut groups: Vec<Group> = Vec::new();
        let mut open: Vec<Open> = Vec::new();
        let mut beyond = None;
        let mut i = 0;
        let something = |open: &mut Vec<Open>| {
            if let Some(top) = open.last_mut() {
                top.content = true;
                top.trailing_comma = false;
            }
        };
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match c {
                '/' if next == Some('/') => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                    continue;
                }
                '/' if next == Some('*') => {
                    i = block_comment_end(chars, i);
                    continue;
                }
                '"' => {
                    something(&mut open);
                    i = string_end(chars, i);
                    continue;
                }
                '\'' => {
                    something(&mut open);
                    i = char_end(chars, i);
                    continue;
                }
                'r' if raw_string_hashes(chars, i).is_some() => {
                    something(&mut open);
                    i = raw_string_end(chars, i);
                    continue;
                }
                '(' | '[' | '{' => {
                    something(&mut open);
                    if open.len() >= limit && beyond.is_none() {
                        beyond = Some(i);
                    }
                    open.push(Open { group: groups.len(), commas: 0, content: false, trailing_comma: false });
                    groups.push(Group { open: i, close: chars.len(), elements: 0 });
                }
                ')' | ']' | '}' => {
                    if let Some(closed) = open.pop() {
                        groups[closed.group].close = i;
                        groups[closed.group].elements = closed.elements();
                    }
                    something(&mut open);
                }
                ',' => {
                    if let Some(top) = open.last_mut() {
                        top.commas += 1;
                        top.content = true;
                        top.trailing_comma = true;
                    }
                }
                c if c.is_whitespace() => {}
                _ => something(&mut open),
            }
            i += 1;
        }
        for unclosed in open {
            groups[unclosed.group].elements = unclosed.elements();
        }
        Brackets { groups, beyond, work: chars.len() }
    }

    /// The group opening at index `open`, if a bracket opens there.
    fn at(&self, open: usize) -> Option<Group> {
        let i = self.groups.partition_point(|g| g.open < open);
        self.groups.get(i).filter(|g| g.open == open).copied()
    }
}

impl Open {
    fn elements(&self) -> usize {
        if self.content { self.commas + 1 - usize::from(self.trailing_comma) } else { 0 }
    }
}

/// The index just after the block comment opening at `i` (comments nest), or the end of the text.
fn block_comment_end(chars: &[char], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < chars.len() {
        if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
            depth += 1;
            i += 2;
        } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
            depth = depth.saturating_sub(1);
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    i
}

/// The index just after the string whose opening quote is at `i`.
fn string_end(chars: &[char], mut i: usize) -> usize {
    i += 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The index just after the character literal whose opening quote is at `i`.
fn char_end(chars: &[char], mut i: usize) -> usize {
    i += 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '\'' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The number of `#` of a raw string `r#"..."#` starting at `i`; `None` if none starts there
/// (`r#name` is a raw identifier, and an `r` inside a name starts nothing).
fn raw_string_hashes(chars: &[char], i: usize) -> Option<usize> {
    if chars.get(i) != Some(&'r') {
        return None;
    }
    let inside_name = |j: usize| chars.get(j).is_some_and(|c| c.is_alphanumeric() || *c == '_');
    // `br"..."` is a raw byte string.
    if i > 0 && inside_name(i - 1) && !(chars[i - 1] == 'b' && (i < 2 || !inside_name(i - 2))) {
        return None;
    }
    let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
    (chars.get(i + 1 + hashes) == Some(&'"')).then_some(hashes)
}

/// The index just after the raw string starting at `i` (see [`raw_string_hashes`]).
fn raw_string_end(chars: &[char], i: usize) -> usize {
    let hashes = raw_string_hashes(chars, i).unwrap_or(0);
    let mut j = i + 1 + hashes + 1;
    while j < chars.len() {
        if chars[j] == '"' && chars[j + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes {
            return j + 1 + hashes;
        }
        j += 1;
    }
    chars.len()
}

struct Scanner<'a> {
    chars: &'a [char],
    at: usize,
    line: usize,
    column: usize,
    map: SourceMap,
    brackets: &'a Brackets,
    /// Characters stepped over or looked at, for the tests of linear time.
    work: usize,
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
        self.work += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    /// Steps up to index `end` (exclusive), keeping lines and columns.
    fn bump_to(&mut self, end: usize) {
        while self.at < end && self.bump().is_some() {}
    }

    fn position(&self) -> Position {
        Position { line: self.line, column: self.column }
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
                (Some('/'), Some('*')) => self.bump_to(block_comment_end(self.chars, self.at)),
                _ => return,
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

    fn value(&mut self, node: u32, depth: usize) {
        self.skip_trivia();
        if depth > MAX_DEPTH {
            // Stepped over once: coming back to it at every level would take quadratic time.
            self.skip_value();
            return;
        }
        self.map.record(node, self.position());
        if self.literal() {
            return;
        }
        match self.peek() {
            Some('(') => self.group(node, depth),
            Some('[') => self.list(node, depth),
            Some('{') => self.map(node, depth),
            Some(c) if is_ident_start(c) => {
                self.identifier();
                self.skip_trivia();
                if self.peek() == Some('(') {
                    self.group(node, depth);
                }
            }
            Some(_) => self.scalar(),
            None => {}
        }
    }

    /// Moves past a string, raw string, byte string or character, if one starts here.
    fn literal(&mut self) -> bool {
        let end = match (self.peek(), self.peek_at(1)) {
            (Some('"'), _) => string_end(self.chars, self.at),
            (Some('\''), _) => char_end(self.chars, self.at),
            (Some('b'), Some('"')) => string_end(self.chars, self.at + 1),
            (Some('r'), _) if raw_string_hashes(self.chars, self.at).is_some() => raw_string_end(self.chars, self.at),
            (Some('b'), Some('r')) if raw_string_hashes(self.chars, self.at + 1).is_some() => {
                raw_string_end(self.chars, self.at + 1)
            }
            _ => return false,
        };
        self.bump_to(end);
        true
    }

    /// Moves past one value without recording anything, stepping over each group at once.
    fn skip_value(&mut self) {
        if self.literal() {
            return;
        }
        match self.peek() {
            Some('(' | '[' | '{') => self.skip_group(),
            Some(c) if is_ident_start(c) => {
                self.identifier();
                self.skip_trivia();
                if self.peek() == Some('(') {
                    self.skip_group();
                }
            }
            Some(_) => self.scalar(),
            None => {}
        }
    }

    /// Moves past the group opening here, to just after its closing bracket.
    fn skip_group(&mut self) {
        match self.brackets.at(self.at) {
            Some(group) => self.bump_to(group.close.saturating_add(1)),
            None => self.bump_to(self.chars.len()),
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

    /// Whether the scanner stands on `name :` (a named field), without moving.
    fn at_named_field(&mut self) -> bool {
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
        // What was looked at is stepped over next, by the field's name or the first element.
        self.work += i - self.at;
        self.chars.get(i) == Some(&':')
    }

    /// `( ... )`: named fields, a single transparent element, or a tuple.
    fn group(&mut self, node: u32, depth: usize) {
        let elements = self.brackets.at(self.at).map_or(0, |g| g.elements);
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
                let field = self.map.field(node, &name);
                self.value(field, depth + 1);
                if !self.separator(')') {
                    break;
                }
            }
        } else {
            let mut index = 0usize;
            loop {
                self.skip_trivia();
                if matches!(self.peek(), Some(')') | None) {
                    break;
                }
                let element = if elements == 1 { node } else { self.map.field(node, &index.to_string()) };
                self.value(element, depth + 1);
                index += 1;
                if !self.separator(')') {
                    break;
                }
            }
        }
        self.skip_trivia();
        self.bump(); // )
    }

    fn list(&mut self, node: u32, depth: usize) {
        self.bump(); // [
        let mut index = 0usize;
        loop {
            self.skip_trivia();
            if matches!(self.peek(), Some(']') | None) {
                break;
            }
            let element = self.map.child(node, &format!("[{index}]"));
            self.value(element, depth + 1);
            index += 1;
            if !self.separator(']') {
                break;
            }
        }
        self.skip_trivia();
        self.bump(); // ]
    }

    fn map(&mut self, node: u32, depth: usize) {
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
                    let placeholder = self.map.child(node, "[?]");
                    self.value(placeholder, depth + 1);
                    self.chars[from..self.at].iter().collect::<String>().trim().to_string()
                }
            };
            let entry = self.map.field(node, &key);
            self.map.record(entry, key_position);
            self.skip_trivia();
            self.bump(); // :
            self.value(entry, depth + 1);
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
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
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
        let deep_open = "Any([".repeat(2_000);
        let deep_closed = format!("{}Flag(\"x\"){}", "Any([".repeat(1_000), "])".repeat(1_000));
        let texts = [
            "(((",
            "[a: b",
            "{\"x\"",
            "r#\"abc",
            "r#",
            "br#\"",
            "'",
            "/* open",
            "(a: (b, c,), d: [1,2,])",
            "",
            "\u{FEFF}",
            "\u{FEFF}(a: 1)",
            "\u{FEFF}\u{FEFF}(",
            ")]}",
            "{[(])}",
            "(a: {\"k\": [1, {\"k\": ",
            deep_open.as_str(),
            deep_closed.as_str(),
        ];
        for text in texts {
            let map = SourceMap::build(text);
            let _ = map.locate("a[1].b.c");
            let _ = map.get("");
            let _ = map.path_at(Position { line: 1, column: 7 });
            let _ = nesting_beyond(text, 3);
        }
    }

    #[test]
    fn map_keys_holding_dots_and_brackets_are_found() {
        let text = "(owners: {\"a.b[1]\": [\"x\", \"y\"], \"a\": {\"b[1]\": 3}}, tail: 1)";
        let map = SourceMap::build(text);
        // Two values have the path `owners.a.b[1]`: the first written is found.
        assert_eq!(map.get("owners.a.b[1]"), Some(Position { line: 1, column: 11 }));
        assert_eq!(map.get("owners.a.b[1][1]"), Some(Position { line: 1, column: 27 }));
        assert_eq!(map.get("owners.a"), Some(Position { line: 1, column: 33 }));
        assert_eq!(map.locate("owners.a.b[1][5].c"), Position { line: 1, column: 11 });
        assert_eq!(map.get("tail"), Some(Position { line: 1, column: 58 }));
        assert_eq!(map.get("owners.a.b"), None);
    }

    #[test]
    fn a_leading_byte_order_mark_is_not_a_column() {
        let plain = SourceMap::build("(id: \"x\")");
        let marked = SourceMap::build("\u{FEFF}(id: \"x\")");
        assert_eq!(plain.get("id"), Some(Position { line: 1, column: 6 }));
        assert_eq!(marked.get("id"), plain.get("id"));
    }

    /// `Any([Always, ` `depth` times around a flag, closed or not (the shape that took quadratic
    /// time when each level counted its elements again).
    fn nested(depth: usize, closed: bool) -> String {
        let close = if closed { "])".repeat(depth) } else { String::new() };
        format!("(trigger: {}Flag(\"x\"){close}, after: 1)", "Any([Always, ".repeat(depth))
    }

    #[test]
    fn deep_nesting_takes_linear_work() {
        for closed in [true, false] {
            for depth in [1_000, 10_000, 100_000] {
                let text = nested(depth, closed);
                let (map, work) = build_counting(&text);
                let chars = text.chars().count();
                // Each character is stepped over a bounded number of times: twice, once by the
                // pairing of brackets and once by the scanner, plus a name's look-ahead.
                assert!(work <= 3 * chars, "depth {depth}: {work} steps for {chars} characters");
                // Values beyond the indexed depth are skipped, not recorded.
                assert!(map.values() <= 3 * MAX_DEPTH + 4, "depth {depth}: {} values", map.values());
                if closed {
                    assert_eq!(map.get("after"), Some(Position { line: 1, column: chars - 1 }));
                }
            }
        }
    }

    #[test]
    fn a_long_key_is_stored_once_not_once_per_value_beneath_it() {
        let key = "k".repeat(200_000);
        let items = vec!["\"p\""; 3_000].join(", ");
        let text = format!("(owners: {{\"{key}\": [{items}]}})");
        let map = SourceMap::build(&text);
        assert_eq!(map.values(), 3_000 + 3);
        assert!(map.segment_bytes() <= text.len() + 16 * map.values(), "{} bytes", map.segment_bytes());
        let last = format!("owners.{key}[2999]");
        assert_eq!(map.get(&last), Some(Position { line: 1, column: text.len() - 5 }));
        assert_eq!(map.path_at(Position { line: 1, column: text.len() - 5 }), last);
    }

    #[test]
    fn the_first_bracket_too_deep_is_found() {
        assert_eq!(nesting_beyond("(a: [(1)])", 3), None);
        assert_eq!(nesting_beyond("(a: [(1)])", 2), Some(Position { line: 1, column: 6 }));
        assert_eq!(nesting_beyond("(a: \"[[[[\", /* ((( */ b: [\n[1]])", 2), Some(Position { line: 2, column: 1 }));
        assert_eq!(nesting_beyond("\u{FEFF}(((", 2), Some(Position { line: 1, column: 3 }));
    }
}
