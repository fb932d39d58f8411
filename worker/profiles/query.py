"""The profile query language: text -> a small AST of frozen values.

Grammar (operators are upper case; everything else is a search term)::

    query    := or_expr
    or_expr  := and_expr (("OR" | "|") and_expr)*
    and_expr := unary (["AND"] unary)*          adjacent terms are ANDed (implicit AND)
    unary    := "NOT" unary | near
    near     := primary ("NEAR/" N primary)*
    primary  := "(" or_expr ")" | PHRASE ["~" N] | WORD ["*"]

Precedence, tightest first: NOT, NEAR, AND, OR; so `a b OR c` is `(a AND b) OR c`. Alias
groups are plain OR groups in parentheses: `(Uyghur | Uighur | Uygur)`.

Matching is on folded tokens: both query and text are NFKD-normalised, stripped of combining
marks and case-folded, so `Türk` matches `Turk` and `TURK`. A token is a run of letters and
digits; a query word holding punctuation (`re-education`, `U.N.`) is the phrase of its tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from worker.errors import QuerySyntaxError

# A wildcard stem shorter than this matches a large slice of the vocabulary ("a*", "un*"),
# which is never what a topic means and makes every article pay for it.
MIN_PREFIX_LEN = 3
# Proximity beyond a long sentence says nothing about the two words belonging together.
MAX_DISTANCE = 50
# Nesting levels (parentheses, NOT, NEAR chains). Real profiles nest two or three; every
# level costs a stack frame in the parser, the matcher and render, so a generated or broken
# query 10,000 levels deep would end in RecursionError instead of a QuerySyntaxError.
MAX_DEPTH = 32

_TOKEN = re.compile(r"[^\W_]+")
# Combining marks left by NFKD (accents, umlauts, cedillas): removed by one C-level pass.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_SPECIAL = '()|"'  # characters that end a bare word


def fold(text: str) -> str:
    """Case- and accent-folded text: NFKD, combining marks dropped, casefold."""
    if text.isascii():
        return text.lower()  # casefold equals lower on ASCII, and skips two passes
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def tokens(text: str) -> list[str]:
    """The folded word tokens of `text`, as the matcher sees them."""
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True, slots=True)
class Word:
    """One folded token, matched exactly."""

    text: str


@dataclass(frozen=True, slots=True)
class Prefix:
    """Every token that starts with `stem` (written `stem*`)."""

    stem: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """Tokens in order and adjacent (`slop` 0), or all within `len + slop - 1` of the first."""

    words: tuple[str, ...]
    slop: int = 0


@dataclass(frozen=True, slots=True)
class Near:
    """An occurrence of `left` within `distance` tokens of one of `right`, either order."""

    left: Node
    right: Node
    distance: int


@dataclass(frozen=True, slots=True)
class Or:
    """Any child holds; an alias group when every child is a term."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class And:
    """Every child holds."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The child does not hold."""

    child: Node


Node = Word | Prefix | Phrase | Near | Or | And | Not


def is_positional(node: Node) -> bool:
    """True when the node finds positions in text (a term, phrase, proximity or alias group)."""
    if isinstance(node, Word | Prefix | Phrase | Near):
        return True
    if isinstance(node, Or):
        return all(is_positional(child) for child in node.children)
    return False


def render(node: Node) -> str:
    """The node written back in query syntax (folded), for explanations and errors."""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Prefix):
        return f"{node.stem}*"
    if isinstance(node, Phrase):
        quoted = '"' + " ".join(node.words) + '"'
        return f"{quoted}~{node.slop}" if node.slop else quoted
    if isinstance(node, Near):
        return f"{render(node.left)} NEAR/{node.distance} {render(node.right)}"
    if isinstance(node, Not):
        return f"NOT {render(node.child)}"
    joiner = " | " if isinstance(node, Or) else " AND "
    return "(" + joiner.join(render(child) for child in node.children) + ")"


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # WORD PHRASE LPAREN RPAREN OR AND NOT NEAR EOF
    text: str
    pos: int
    number: int = 0  # NEAR distance or phrase slop


def parse(query: str) -> Node:
    """Parse `query` into its AST; raise QuerySyntaxError with the 0-based error position."""
    parser = _Parser(query, _lex(query))
    node = parser.or_expr()
    parser.expect("EOF", "unexpected text; is an operator or a parenthesis missing?")
    return node


def _lex(query: str) -> list[_Tok]:
    out: list[_Tok] = []
    i = 0
    while i < len(query):
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()|":
            kind = {"(": "LPAREN", ")": "RPAREN", "|": "OR"}[ch]
            out.append(_Tok(kind, ch, i))
            i += 1
        elif ch == '"':
            tok, i = _lex_phrase(query, i)
            out.append(tok)
        else:
            tok, i = _lex_bare(query, i)
            out.append(tok)
    out.append(_Tok("EOF", "", len(query)))
    return out


def _lex_phrase(query: str, start: int) -> tuple[_Tok, int]:
    end = query.find('"', start + 1)
    if end < 0:
        raise QuerySyntaxError("unterminated phrase: a closing quote is missing", start, query)
    text, i, slop = query[start + 1 : end], end + 1, 0
    if i < len(query) and query[i] == "~":
        digits = re.match(r"\d+", query[i + 1 :])
        if not digits:
            raise QuerySyntaxError("'~' must be followed by a number of words", i, query)
        slop = _bounded(int(digits.group()), i, query)
        i += 1 + len(digits.group())
    return _Tok("PHRASE", text, start, slop), i


def _lex_bare(query: str, start: int) -> tuple[_Tok, int]:
    i = start
    while i < len(query) and not query[i].isspace() and query[i] not in _SPECIAL:
        i += 1
    text = query[start:i]
    if text in ("AND", "OR", "NOT"):
        return _Tok(text, text, start), i
    if text.startswith("NEAR/") or text == "NEAR":
        if not re.fullmatch(r"NEAR/\d+", text):
            raise QuerySyntaxError("NEAR needs a distance, as in NEAR/5", start, query)
        return _Tok("NEAR", text, start, _bounded(int(text[5:]), start, query)), i
    if "~" in text:
        raise QuerySyntaxError(
            "'~N' applies to a quoted phrase only", start + text.index("~"), query
        )
    return _Tok("WORD", text, start), i


def _bounded(number: int, pos: int, query: str) -> int:
    if not 0 < number <= MAX_DISTANCE:
        raise QuerySyntaxError(f"distance must be 1 to {MAX_DISTANCE} words", pos, query)
    return number


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, query: str, toks: list[_Tok]) -> None:
        self.query = query
        self.toks = toks
        self.i = 0
        self.depth = 0

    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def error(self, message: str, tok: _Tok | None = None) -> QuerySyntaxError:
        return QuerySyntaxError(message, (tok or self.tok).pos, self.query)

    def expect(self, kind: str, message: str) -> _Tok:
        tok = self.tok
        if tok.kind != kind:
            raise self.error(message)
        self.i += 1
        return tok

    def nest(self, tok: _Tok, levels: int = 1) -> None:
        """Go `levels` deeper; a query nested past MAX_DEPTH is a syntax error."""
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error(f"the query nests deeper than {MAX_DEPTH} levels", tok)

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.tok.kind == "OR":
            self.i += 1
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.unary()]
        while self.tok.kind in ("AND", "WORD", "PHRASE", "LPAREN", "NOT"):
            if self.tok.kind == "AND":
                self.i += 1
            children.append(self.unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self) -> Node:
        if self.tok.kind == "NOT":
            self.nest(self.tok)
            self.i += 1
            child = self.unary()
            self.depth -= 1
            return Not(child)
        return self.near()

    def near(self) -> Node:
        node, chained = self.primary(), 0
        while self.tok.kind == "NEAR":
            op = self.tok
            self.nest(op)  # a chain is a left-deep tree: each NEAR is one level more
            chained += 1
            self.i += 1
            right = self.primary()
            if not (is_positional(node) and is_positional(right)):
                raise self.error("NEAR joins terms, phrases or alias groups only", op)
            node = Near(node, right, op.number)
        self.depth -= chained
        return node

    def primary(self) -> Node:
        tok = self.tok
        if tok.kind == "LPAREN":
            self.nest(tok)
            self.i += 1
            node = self.or_expr()
            self.expect("RPAREN", "a closing parenthesis is missing")
            self.depth -= 1
            return node
        if tok.kind == "PHRASE":
            self.i += 1
            return self.phrase(tok)
        if tok.kind == "WORD":
            self.i += 1
            return self.word(tok)
        if tok.kind == "EOF":
            raise self.error("the query ends where a term was expected")
        raise self.error(f"expected a term, a phrase or '(' but found {tok.text!r}")

    def phrase(self, tok: _Tok) -> Node:
        words = tuple(tokens(tok.text))
        if not words:
            raise self.error("empty phrase", tok)
        if len(words) == 1:
            if tok.number:
                raise self.error("'~N' needs at least two words in the phrase", tok)
            return Word(words[0])
        return Phrase(words, tok.number)

    def word(self, tok: _Tok) -> Node:
        text = tok.text
        wildcard = text.endswith("*")
        if "*" in text[:-1]:
            raise self.error("'*' is allowed only at the end of a word", tok)
        words = tokens(text.rstrip("*"))
        if not words:
            raise self.error(f"{text!r} holds no letters or digits", tok)
        if wildcard:
            if len(words) != 1:
                raise self.error("a wildcard applies to one plain word", tok)
            if len(words[0]) < MIN_PREFIX_LEN:
                raise self.error(f"a wildcard stem needs {MIN_PREFIX_LEN}+ letters", tok)
            return Prefix(words[0])
        return Word(words[0]) if len(words) == 1 else Phrase(tuple(words))
