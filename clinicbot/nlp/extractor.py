"""The clinical extractor: spaCy ``blank("en")`` + medspaCy TargetMatcher and ConText, rules as data.

``build_extractor()`` is the factory; nothing is built at import time.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from clinicbot.nlp.classes import (
    Combinations,
    Mention,
    WordClass,
    combine,
    load_classes,
    load_combinations,
    patterns,
    sentence_rule_applies,
)
from clinicbot.nlp.rules import (
    GAP_BREAKS,
    GAP_MANY,
    GAP_MANY_LEN,
    GAP_ONE,
    REGEX_PREFIX,
    ContextRules,
    Normalisation,
    Targets,
    load_context,
    load_normalisation,
    load_targets,
    pattern_tokens,
)
from clinicbot.nlp.script import has_devanagari, original_offsets, to_latin
from clinicbot.nlp.values import ValueReader
from clinicbot.vocabulary import ABSENT, FAMILY, HISTORICAL, HYPOTHETICAL, PRESENT, vocabulary

# The pipeline splits sentences with spaCy's sentencizer, not medspaCy's PyRuSH: PyRuSH logs every
# token at DEBUG through loguru, and patient text must never reach the logs.

KIND_PATTERN, KIND_MENTION, KIND_FIXED = "pattern", "mention", "fixed"
OWN_STORY = "own_story"  # the class of the writer's own back story (classes/own_story.yml)
OTHER_BODY = "other_body"  # "his", "her", "uske": another person's body (classes/other_body.yml)
CONDITION = "condition"  # "if", "agar": a warning someone gave (classes/condition.yml)
AFFIRMED_BACK = "affirmed_back"  # "that happened last night" after the warning (classes/affirmed_back.yml)
DENIED_BACK = "denied_back"  # "I don't have any" right after the writer's own question (classes/denied_back.yml)
STATUS_RANK = {PRESENT: 0, ABSENT: 1, HISTORICAL: 2, HYPOTHETICAL: 3, FAMILY: 4}


def _in_word(ch: str) -> bool:
    """A letter, digit or combining mark (Devanagari vowel signs are marks, not letters)."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def whole_words(text: str, start: int, end: int) -> Tuple[int, int]:
    """A span widened to whole words, so it is never quoted from mid-word ("won't", not "n't")."""
    while 0 < start < len(text) and _in_word(text[start - 1]) and _in_word(text[start]):
        start -= 1
    while 0 < end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]):
        end += 1
    return start, end


@dataclass(frozen=True)
class ExtractedFinding:
    """One finding in a message, with its assertion status and where it was said."""

    id: str
    status: str
    span: str
    start: int
    end: int


@dataclass
class Extraction:
    """Everything the extractor read from one message."""

    text: str
    findings: List[ExtractedFinding] = field(default_factory=list)
    values: Dict[str, Any] = field(default_factory=dict)

    def statuses(self) -> Dict[str, ExtractedFinding]:
        """One finding per id: present wins over absent (safety), then the most informative."""
        best: Dict[str, ExtractedFinding] = {}
        for f in self.findings:
            cur = best.get(f.id)
            if cur is None or STATUS_RANK[f.status] < STATUS_RANK[cur.status]:
                best[f.id] = f
        return best


def _levenshtein_within(a: str, b: str, limit: int) -> bool:
    """Whether the edit distance (with transpositions) of ``a`` and ``b`` is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: List[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[-1] <= limit


class Normaliser:
    """Sets each token's NORM: shorthand, misspellings, then edit-distance correction to rule words."""

    def __init__(self, norm: Normalisation, rule_words: Set[str]):
        self.spelling = {k.lower(): v for k, v in norm.spelling.items()}
        self.fuzzy = norm.fuzzy
        self.never = set(norm.fuzzy.never_correct)
        self.rule_words = rule_words
        self._by_initial: Dict[str, List[str]] = {}
        for w in rule_words:
            if w.isalpha() and len(w) >= norm.fuzzy.min_length - 1:
                self._by_initial.setdefault(w[0], []).append(w)
        self._cache: Dict[str, str] = {}

    def norm(self, lower: str, default: str) -> str:
        """The normal form of one token."""
        if lower in self.spelling:
            return self.spelling[lower]
        if default != lower:  # a tokenizer exception such as "nt" -> "not"
            return default
        if lower in self.rule_words or lower in self.never or not lower.isalpha():
            return lower
        if len(lower) < self.fuzzy.min_length:
            return lower
        if lower not in self._cache:
            self._cache[lower] = self._correct(lower)
        return self._cache[lower]

    def _correct(self, word: str) -> str:
        limit = 2 if len(word) >= self.fuzzy.long_word else 1
        hits = [w for w in self._by_initial.get(word[0], []) if _levenshtein_within(word, w, limit)]
        return hits[0] if len(hits) == 1 else word

    def __call__(self, doc: Any) -> Any:
        for tok in doc:
            tok.norm_ = self.norm(tok.lower_, tok.norm_)
        return doc


class Extractor:
    """Findings with their statuses, and values, from one message."""

    def __init__(
        self,
        targets: Optional[Targets] = None,
        context: Optional[ContextRules] = None,
        normalisation: Optional[Normalisation] = None,
        values: Optional[ValueReader] = None,
        classes: Optional[Dict[str, WordClass]] = None,
        combinations: Optional[Combinations] = None,
    ):
        import medspacy.context  # noqa: F401  (registers the spaCy factories)
        import medspacy.ner  # noqa: F401
        import spacy
        from spacy.matcher import Matcher

        self.targets = targets or load_targets()
        self.context_rules = context or load_context()
        self.norm_rules = normalisation or load_normalisation()
        self.values = values or ValueReader()
        self.classes = classes if classes is not None else load_classes()
        self.combinations = combinations or load_combinations()
        self.vocab = vocabulary()
        self._history_present = {f for f, s in self.targets.findings.items() if s.history_is_present}
        self._red_flags = set(self.vocab.red_flags)
        from spacy.tokens import Doc

        if not Doc.has_extension("own_story"):
            Doc.set_extension("own_story", default=False)
        if not Doc.has_extension("mentions"):
            Doc.set_extension("mentions", default=[])
        if not Doc.has_extension("other_body"):
            Doc.set_extension("other_body", default=set())
        nlp = spacy.blank("en")
        self._add_splits(nlp)
        rule_words = self._rule_words()
        self.normaliser = Normaliser(self.norm_rules, rule_words)
        self._gap_stop = [w.lower() for w in self.targets.gap_stop]
        nlp.add_pipe("sentencizer")
        self._nlp = nlp
        matcher_pipe: Any = nlp.add_pipe(
            "medspacy_target_matcher",
            config={"result_type": "group", "prune": False, "phrase_matcher_attr": "NORM"},
        )
        _skip_validation(matcher_pipe, "_TargetMatcher__matcher")
        matcher_pipe.add(self._target_rules())
        ctx: Any = nlp.add_pipe(
            "medspacy_context",
            config={
                "rules": None,
                "input_span_type": "group",
                "phrase_matcher_attr": "NORM",
                "prune_on_target_overlap": False,
            },
        )
        _skip_validation(ctx, "_ConText__matcher")
        ctx.add(self._context_rules())
        # Patterns are checked by rules.check_pattern on load; spaCy's own validation only costs time.
        self._ignore = Matcher(nlp.vocab, validate=False)
        for i, pat in enumerate(self.targets.ignore):
            self._ignore.add(f"ignore{i}", [self.compile(pat)])
        self._class_matcher = Matcher(nlp.vocab, validate=False)
        for name, wc in self.classes.items():
            self._class_matcher.add(name, [self.compile(p) for p in patterns(wc)])
        self._barriers = {w.lower() for w in self.combinations.barriers}
        self._barrier_exempt = {w.lower() for w in self.combinations.barrier_exempt_after}

    # -- building -----------------------------------------------------------------------------
    def _add_splits(self, nlp: Any) -> None:
        from spacy.symbols import NORM, ORTH

        for text, words in self.norm_rules.split.items():
            for variant in {text, text.capitalize(), text.upper()}:
                pieces = _split_orth(variant, words)
                nlp.tokenizer.add_special_case(variant, [{ORTH: p, NORM: w} for p, w in zip(pieces, words)])

    def _rule_words(self) -> Set[str]:
        words: Set[str] = set()
        for group in self.targets.lexicon.values():
            words.update(group)
        every = [p for wc in self.classes.values() for p in patterns(wc)]
        # ConText's cue words and the ignored phrases too: none may be "corrected" into another word
        every += [r.pattern for r in self.context_rules.rules] + list(self.targets.ignore)
        for spec in self.targets.findings.values():
            every += spec.patterns + spec.mentions + spec.fixed_status.absent + spec.fixed_status.present
        for pat in every:
            for e in pattern_tokens(pat):
                if not e.startswith(("{", REGEX_PREFIX)):
                    words.update(w for w in e.rstrip("?").split("|") if w not in (GAP_ONE, GAP_MANY))
        return words

    def compile(self, pattern: str) -> List[Dict[str, Any]]:
        """A pattern of the rule language as a spaCy token pattern."""
        gap = {"NORM": {"NOT_IN": self._gap_stop + GAP_BREAKS}, "OP": "?"}
        out: List[Dict[str, Any]] = []
        for e in pattern_tokens(pattern):
            if e == GAP_ONE:
                out.append(dict(gap))
                continue
            if e == GAP_MANY:
                out.extend(dict(gap) for _ in range(GAP_MANY_LEN))
                continue
            if e.startswith(REGEX_PREFIX):
                out.append({"NORM": {"REGEX": e[len(REGEX_PREFIX) :]}})
                continue
            optional = e.endswith("?") and len(e) > 1
            name = e[:-1] if optional else e
            if name.startswith("{"):
                words = self.targets.lexicon[name[1:-1]]
            else:
                words = name.split("|")
            entry: Dict[str, Any] = {"NORM": {"IN": [w.lower() for w in words]}}
            if optional:
                entry["OP"] = "?"
            out.append(entry)
        return out

    def _target_rules(self) -> List[Any]:
        from medspacy.ner import TargetRule

        rules = []
        for fid, spec in self.targets.findings.items():
            kinds: List[Tuple[str, Iterable[str], Optional[str]]] = [
                (KIND_PATTERN, spec.patterns, None),
                (KIND_MENTION, spec.mentions, None),
                (KIND_FIXED, spec.fixed_status.absent, ABSENT),
                (KIND_FIXED, spec.fixed_status.present, PRESENT),
            ]
            for kind, pats, fixed in kinds:
                for pat in pats:
                    label = _label(fid, kind, fixed)
                    rules.append(TargetRule(literal=pat, category=label, pattern=self.compile(pat)))
        return rules

    def _context_rules(self) -> List[Any]:
        from medspacy.context import ConTextRule

        kinds = ((KIND_PATTERN, None), (KIND_MENTION, None), (KIND_FIXED, ABSENT), (KIND_FIXED, PRESENT))
        red_flags = {_label(fid, kind, fixed).upper() for fid in self.vocab.red_flags for kind, fixed in kinds}
        for fid in self.context_rules.leg_features:
            self.vocab.check_finding(fid, "context.yml leg_features")
        with_leg = red_flags | {
            _label(fid, kind, fixed).upper() for fid in self.context_rules.leg_features for kind, fixed in kinds
        }
        rules = []
        for spec in self.context_rules.rules:
            kwargs: Dict[str, Any] = {"direction": spec.direction}
            if spec.max_scope is not None:
                kwargs["max_scope"] = spec.max_scope
            elif spec.direction == "TERMINATE":
                # medspaCy limits a scope only when the two scopes partly overlap; a terminator's
                # scope of one token either side always does.
                kwargs["max_scope"] = 1
            if spec.applies_to == "red_flags":
                kwargs["allowed_types"] = red_flags
            elif spec.applies_to == "red_flags_and_leg":
                kwargs["allowed_types"] = with_leg
            rules.append(
                ConTextRule(
                    literal=spec.pattern,
                    category=spec.category,
                    pattern=self.compile(spec.pattern),
                    on_modifies=_outside_target,
                    **kwargs,
                )
            )
        return rules

    # -- running ------------------------------------------------------------------------------
    def doc(self, text: str) -> Any:
        """The processed spaCy doc (normalised, matched, with ConText)."""
        doc = self._nlp.make_doc(text.replace("\u2019", "'").replace("\u2018", "'"))
        self.normaliser(doc)
        for name, proc in self._nlp.pipeline:
            if name == "medspacy_context":
                self._add_combined(doc)
            doc = proc(doc)
        return doc

    def _add_combined(self, doc: Any) -> None:
        """Adds the findings that word classes make together (classes.py) to the target spans."""
        from spacy.tokens import Span

        names = doc.vocab.strings
        mentions = [Mention(names[m], s, e) for m, s, e in self._class_matcher(doc)]
        doc._.own_story = any(m.cls == OWN_STORY for m in mentions)
        doc._.mentions = mentions
        doc._.other_body = {i for m in mentions if m.cls == OTHER_BODY for i in range(m.start, m.end)}
        if not mentions:
            return
        sentences = [(s.start, s.end) for s in doc.sents]
        found = combine(mentions, self.combinations, sentences, lambda i: self._is_barrier(doc, i))
        if "medspacy_spans" not in doc.spans:
            doc.spans["medspacy_spans"] = []
        group = doc.spans["medspacy_spans"]
        for c in found:
            group.append(Span(doc, c.start, c.end, label=_label(c.finding, KIND_PATTERN, None)))

    def _sentence_status(self, doc: Any, span: Any) -> Optional[str]:
        """The status a sentence rule gives a red flag (combinations.yml sentence_rules), or None."""
        if not doc._.mentions:
            return None
        sentences = [(s.start, s.end) for s in doc.sents]
        for rule in self.combinations.sentence_rules:
            if sentence_rule_applies(span.start, span.end, doc._.mentions, sentences, rule):
                return rule.status
        return None

    def _answered_back(self, doc: Any, span: Any) -> Optional[str]:
        """The status the next sentence gives a finding asked about or warned of in this one, if any.

        "can a strain cause numbness in the groin? I don't have any" -> absent; "GP said if my bum
        goes numb, go to A&E. Neither has happened" -> absent; "they said if I can't pee go to A&E.
        That happened last night" -> present.
        """
        sentences = list(doc.sents)
        for i, sent in enumerate(sentences[:-1]):
            if sent.start <= span.start < sent.end:
                warned = any(m.cls == CONDITION and sent.start <= m.start < span.start for m in doc._.mentions)
                if not (sent.text.rstrip().endswith("?") or warned):
                    return None
                nxt = sentences[i + 1]
                opening = [m.cls for m in doc._.mentions if nxt.start <= m.start <= nxt.start + 1]
                if DENIED_BACK in opening:
                    return ABSENT
                return PRESENT if AFFIRMED_BACK in opening else None
        return None

    def _is_barrier(self, doc: Any, i: int) -> bool:
        """A word that stops a combination ("not", "but"), unless it follows "or" ("hua ya nahi")."""
        if doc[i].norm_ not in self._barriers:
            return False
        return not (i > 0 and doc[i - 1].norm_ in self._barrier_exempt)

    def extract(self, text: str, today: Optional[dt.date] = None) -> Extraction:
        """Findings and values in ``text`` (Devanagari is read in its Hinglish spelling, script.py)."""
        if not has_devanagari(text):
            return self._extract(text, today)
        latin, pieces = to_latin(text)
        read = self._extract(latin, today)
        findings = []
        for f in read.findings:
            start, end = original_offsets(f.start, f.end, pieces)
            findings.append(ExtractedFinding(f.id, f.status, text[start:end], start, end))
        return Extraction(text=text, findings=findings, values=read.values)

    def _extract(self, text: str, today: Optional[dt.date]) -> Extraction:
        doc = self.doc(text)
        ignored = {i for _, s, e in self._ignore(doc) for i in range(s, e)}
        own = bool(doc._.own_story)
        cues: Dict[Tuple[int, int, str], Set[str]] = {}
        for target, modifier in doc._.context_graph.edges:
            cues.setdefault((target.start, target.end, target.label_), set()).add(modifier.category)
        candidates = []
        for span in doc.spans.get("medspacy_spans", []):
            if any(i in ignored for i in range(span.start, span.end)):
                continue
            fid, kind, fixed = _parse_label(span.label_)
            priority = self.targets.findings[fid].priority
            candidates.append((priority, span.end - span.start, span, fid, kind, fixed))
        candidates.sort(key=lambda c: (-c[0], -c[1], c[2].start, c[4] != KIND_FIXED))
        taken: List[Tuple[Set[int], str]] = []
        present: List[Tuple[Set[int], str]] = []  # only a present reading covers another
        found: List[ExtractedFinding] = []
        for _, _, span, fid, kind, fixed in candidates:
            idx = set(range(span.start, span.end))
            categories = set(cues.get((span.start, span.end, span.label_), set()))
            if any(i in doc._.other_body for i in range(span.start, span.end)):
                categories.add("OTHER_PERSON")  # "both his feet are numb": another person's body
            status = fixed or self._status(fid, kind, categories, own)
            if status == PRESENT and fid in self._red_flags and fid not in self._history_present:
                status = self._sentence_status(doc, span) or status
            if status in (PRESENT, HYPOTHETICAL):
                status = self._answered_back(doc, span) or status  # "...? I don't have any" / "That happened"
            if status is None:
                continue
            if any(idx & tokens and (kind == KIND_MENTION or self._blocks(other, fid)) for tokens, other in taken):
                continue  # a bare mention ("legs") never takes words another finding was read from
            if any(idx < tokens and self._covers(other, fid) for tokens, other in present):
                continue  # "between my thighs has gone numb" is the saddle, not also numb thighs
            taken.append((idx, fid))
            if status == PRESENT:
                present.append((idx, fid))
            start, end = whole_words(doc.text, span.start_char, span.end_char)
            found.append(ExtractedFinding(fid, status, doc.text[start:end], start, end))
        found.sort(key=lambda f: f.start)
        return Extraction(text=text, findings=found, values=self.values.read(text, today))

    def _blocks(self, taken: str, candidate: str) -> bool:
        """Whether words already read as ``taken`` cannot also be read as ``candidate``.

        A red flag claims its words from features ("numb between my legs" is not leg numbness); two
        features may share words ("twisting and arching both hurt") unless the rules say one
        overrides the other ("bending backwards" is not bending forward).
        """
        if taken == candidate:
            return True
        red = self._red_flags
        if taken in red:
            return candidate not in red and candidate not in self.targets.findings[taken].shares_words_with
        return candidate in self.targets.findings[taken].overrides

    def _covers(self, taken: str, candidate: str) -> bool:
        """A red flag read from longer words takes a red flag read inside them, unless that one is more urgent."""
        if taken not in self._red_flags or candidate not in self._red_flags:
            return False
        order, findings = self.vocab.level_order, self.vocab.findings
        return order.index(findings[taken].level) <= order.index(findings[candidate].level)

    def _status(self, fid: str, kind: str, categories: Set[str], own_story: bool = False) -> Optional[str]:
        """The assertion status ConText's cues give; another person's finding is family history only
        when the writer also tells their own back story, else a carer's report of a symptom now."""
        status = PRESENT
        if "FAMILY" in categories or ("OTHER_PERSON" in categories and own_story):
            status = FAMILY
        elif "HYPOTHETICAL" in categories:
            status = HYPOTHETICAL
        elif "NEGATED_EXISTENCE" in categories:
            status = ABSENT
        elif "HISTORICAL" in categories:
            status = PRESENT if fid in self._history_present else HISTORICAL
        if kind == KIND_MENTION and status != ABSENT:
            return None
        return status


def _skip_validation(pipe: Any, attr: str) -> None:
    """Turns off spaCy's schema check of each token pattern inside a medspaCy matcher.

    Our patterns are checked on load (rules.check_pattern) and compiled by `compile`; spaCy's check
    of every one of them costs a third of a second at each start. Where medspaCy's internals differ,
    nothing changes.
    """
    inner = getattr(getattr(pipe, attr, None), "_MedspacyMatcher__matcher", None)
    if inner is not None and hasattr(inner, "validate"):
        inner.validate = False


def _label(fid: str, kind: str, fixed: Optional[str]) -> str:
    return f"{fid}#{kind}#{fixed or ''}"


def _parse_label(label: str) -> Tuple[str, str, Optional[str]]:
    fid, kind, fixed = label.split("#")
    return fid, kind, fixed or None


def _outside_target(target: Any, modifier: Any, _between: Any) -> bool:
    """A cue inside the finding's own words ("can't pee") does not modify it."""
    return modifier.end <= target.start or modifier.start >= target.end


def _split_orth(text: str, words: List[str]) -> List[str]:
    """Cut ``text`` into as many pieces as ``words``, each piece as close to its word as possible."""
    pieces: List[str] = []
    rest = text
    for i, w in enumerate(words[:-1]):
        k = 0
        while k < len(rest) - (len(words) - i - 1) and k < len(w) and rest[k].lower() == w[k]:
            k += 1
        k = max(k, 1)
        pieces.append(rest[:k])
        rest = rest[k:]
    pieces.append(rest)
    return pieces


@lru_cache(maxsize=1)
def default_extractor() -> Extractor:
    """The shared extractor built from the packaged rule files (built on first use, once per process)."""
    return Extractor()
