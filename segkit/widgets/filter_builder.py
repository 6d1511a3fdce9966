"""``FilterBuilder``: edit a segment's rule tree visually, with a live member count.

The rule dict is the source of truth; widgets are views over it. Every editor knows how to
render one node of the tree and how to write its node back (``to_dict``); a change anywhere
asks the builder to rebuild its ``value`` (the rule dict), re-validate it and recount. Groups
rebuild their children inside ``hold_sync`` and detach the observers of removed editors.

Modes of a group cover every shape of the format: ``all`` / ``any`` and their negations
``not all`` / ``none`` (= ``not any``). A condition row has a NOT toggle for ``{"not": rule}``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import polars as pl
import traitlets

from segkit.compile.polars import kinds_of
from segkit.data.dataset import Dataset
from segkit.errors import SegkitError
from segkit.segment import Segment
from segkit.spec.describe import label
from segkit.spec.io import MEASURE_KIND
from segkit.spec.operators import Kind, ops_for
from segkit.spec.validate import EVENT_RESERVED

# Which picker group a known CRM field belongs to; anything else is a custom field.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "Demographics": ("age", "birth_date", "gender", "country", "city", "state", "job_title",
                     "occupation", "company", "industry"),
    "Lifecycle": ("lifecycle_stage", "lead_status", "source_channel", "signup_at",
                  "first_purchase_at", "product", "email_status", "email_consent_at"),
    "Interests & tags": ("tags", "interests", "content_topics", "preferred_channel"),
    "Contact details": ("email", "first_name", "last_name", "name", "phone", "contact_id"),
}  # fmt: skip
OP_LABELS = {
    "eq": "is", "ne": "is not", "in": "is any of", "not_in": "is none of", "lt": "<",
    "le": "≤", "gt": ">", "ge": "≥", "between": "between", "contains": "contains",
    "not_contains": "does not contain", "starts_with": "starts with", "ends_with": "ends with",
    "before": "before", "after": "after", "within_last_days": "in the last … days",
    "not_within_last_days": "more than … days ago", "has_any": "includes any of",
    "has_all": "includes all of", "has_none": "includes none of", "is_empty": "is empty",
    "is_not_empty": "is not empty",
}  # fmt: skip
DATE_OPS_SHOWN = ("before", "after", "le", "ge", "between", "eq", "within_last_days",
                  "not_within_last_days", "is_empty", "is_not_empty")  # fmt: skip
MEASURES = [("count of events", "count"), ("sum of", "sum"), ("average of", "avg"),
            ("minimum of", "min"), ("maximum of", "max"), ("first time", "first_at"),
            ("last time", "last_at")]  # fmt: skip
GROUP_MODES = [("all of", "all"), ("any of", "any"), ("not all of", "not all"),
               ("none of", "none")]  # fmt: skip
LOW_CARDINALITY = 60


def field_group(name: str) -> str:
    for group, names in FIELD_GROUPS.items():
        if name in names:
            return group
    return "Custom fields"


class Schema:
    """What the editors need to know about the data: kinds, common values, event types."""

    def __init__(self, data: Dataset) -> None:
        self.data = data
        self.contact_kinds = {k: v for k, v in kinds_of(data.contacts_schema).items()
                              if v != Kind.OTHER}  # fmt: skip
        self.event_kinds = (
            {k: v for k, v in kinds_of(data.events_schema).items()
             if k not in EVENT_RESERVED and v != Kind.OTHER}
            if data.events_schema is not None else {}
        )  # fmt: skip
        self.event_types = data.event_types()
        self._values: dict[tuple[str, str], list[tuple[str, int]] | None] = {}

    def field_options(self) -> list[tuple[str, str]]:
        order = [*FIELD_GROUPS, "Custom fields"]
        names = sorted(self.contact_kinds, key=lambda n: (order.index(field_group(n)), n))
        return [(f"{field_group(n)} › {label(n)}", n) for n in names if n != "contact_id"]

    def common_values(self, table: str, name: str) -> list[tuple[str, int]] | None:
        """The values of a low-cardinality string (or list) column with their counts, most
        common first; None when the column has too many distinct values."""
        key = (table, name)
        if key not in self._values:
            kinds = self.contact_kinds if table == "contacts" else self.event_kinds
            lf = self.data.lazy_contacts() if table == "contacts" else self.data.lazy_events()
            if lf is None or kinds.get(name) not in (Kind.STRING, Kind.LIST):
                self._values[key] = None
            else:
                col = pl.col(name).cast(pl.List(pl.String)) if kinds[name] == Kind.LIST \
                    else pl.col(name).cast(pl.String)  # fmt: skip
                frame = lf.select(col)
                if kinds[name] == Kind.LIST:
                    frame = frame.explode(name)
                counts = (
                    frame.drop_nulls().filter(pl.col(name) != "")
                    .group_by(name).len().sort(["len", name], descending=[True, False])
                    .head(LOW_CARDINALITY + 1).collect()
                )  # fmt: skip
                rows = list(counts.iter_rows())
                self._values[key] = rows if len(rows) <= LOW_CARDINALITY else None
        return self._values[key]


# -- value inputs -------------------------------------------------------------------------------


def _shape(kind: Kind, op: str, listed: bool) -> tuple[type[w.Widget], int] | None:
    """The inputs a value of ``kind`` takes for ``op``: (widget class, how many), or None for
    no value. ``listed``: the column's common values are known (a box suggests them)."""
    if op in ("is_empty", "is_not_empty"):
        return None
    if op in ("within_last_days", "not_within_last_days"):
        return w.BoundedIntText, 1
    if kind == Kind.LIST or op in ("in", "not_in"):
        return w.TagsInput, 1
    if kind == Kind.BOOL:
        return w.Dropdown, 1
    n = 2 if op == "between" else 1
    if kind in (Kind.DATE, Kind.DATETIME):
        return w.DatePicker, n
    if kind in (Kind.INT, Kind.FLOAT):
        return w.Text, n
    if listed and op in ("eq", "ne"):
        return w.Combobox, 1
    return w.Text, 1


class ValueInput(w.HBox):
    """The value of one comparison, shaped by the column's kind and the operator."""

    def __init__(self, kind: Kind, op: str, values: list[tuple[str, int]] | None,
                 on_change: Callable[[], None], initial: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.kind, self.op = kind, op
        self.add_class("segkit-value")
        self._inputs: list[w.Widget] = self._make(values)
        if initial is not None:
            self.set(initial)
        for i in self._inputs:  # observe only after the initial value is in
            i.observe(lambda _: on_change(), names="value")
        self.children = self._inputs

    def _make(self, values: list[tuple[str, int]] | None) -> list[w.Widget]:
        op, kind = self.op, self.kind
        shape = _shape(kind, op, bool(values))
        if shape is None:
            return []
        cls, n = shape
        opts = [(f"{v} ({c:,})", v) for v, c in values] if values else None
        if cls is w.BoundedIntText:
            return [w.BoundedIntText(value=30, min=0, max=100_000, description="days",
                                     layout=w.Layout(width="9em"))]  # fmt: skip
        if cls is w.TagsInput:
            if opts and kind in (Kind.STRING, Kind.LIST):
                return [w.TagsInput(value=[], allowed_tags=[v for _, v in opts],
                                    allow_duplicates=False, placeholder="pick values")]  # fmt: skip
            return [w.TagsInput(value=[], allow_duplicates=False, placeholder="type and Enter")]
        if cls is w.Dropdown:
            return [w.Dropdown(options=[("true", True), ("false", False)], value=True,
                               layout=w.Layout(width="7em"))]  # fmt: skip
        if cls is w.DatePicker:
            return [w.DatePicker(layout=w.Layout(width="11em")) for _ in range(n)]
        if cls is w.Combobox:
            return [w.Combobox(options=[v for _, v in opts or []], placeholder="value",
                               ensure_option=False)]  # fmt: skip
        if kind in (Kind.INT, Kind.FLOAT):
            # text boxes, so "not filled in yet" is visible (an IntText would say 0)
            words = "whole number" if kind == Kind.INT else "number"
            return [w.Text(placeholder=words, layout=w.Layout(width="8em")) for _ in range(n)]
        return [w.Text(placeholder="text")]

    def fits(self, kind: Kind, op: str) -> bool:
        """Whether this box can stand for ``op`` too: the same kind and number of inputs, and
        not a list of picks or a box of suggested values (those depend on the operator)."""
        if kind != self.kind:
            return False
        shape = _shape(kind, op, False)
        types = [type(i) for i in self._inputs]
        if shape is None:
            return not types
        cls, n = shape
        return types == [cls] * n and cls not in (w.TagsInput, w.Combobox)

    def get(self) -> Any:
        op, kind, ins = self.op, self.kind, self._inputs
        if not ins:
            return None
        if op in ("within_last_days", "not_within_last_days"):
            return int(ins[0].value)
        if isinstance(ins[0], w.TagsInput):
            return list(ins[0].value)
        if kind in (Kind.DATE, Kind.DATETIME):
            days = [i.value.isoformat() if isinstance(i.value, dt.date) else None for i in ins]
            return days if op == "between" else days[0]
        if kind in (Kind.INT, Kind.FLOAT):
            nums = [_number(i.value, kind) for i in ins]
            return nums if op == "between" else nums[0]
        if op == "between":
            return [ins[0].value, ins[1].value]
        if isinstance(ins[0], w.Text | w.Combobox) and ins[0].value == "":
            return None  # an empty box is "not filled in yet", not the empty string
        return ins[0].value

    def set(self, value: Any) -> None:
        ins = self._inputs
        if not ins:
            return
        if isinstance(ins[0], w.TagsInput):
            vals = [str(v) for v in value]
            if ins[0].allowed_tags:
                ins[0].allowed_tags = list(dict.fromkeys([*ins[0].allowed_tags, *vals]))
            ins[0].value = vals
        elif isinstance(ins[0], w.DatePicker):
            vals = value if isinstance(value, list) else [value]
            for i, v in zip(ins, vals, strict=False):
                i.value = dt.date.fromisoformat(str(v)[:10])
        elif self.kind in (Kind.INT, Kind.FLOAT):
            vals = value if isinstance(value, list | tuple) else [value]
            for i, v in zip(ins, vals, strict=False):
                i.value = "" if v is None else f"{v:g}" if isinstance(v, float) else str(v)
        elif len(ins) == 2:
            ins[0].value, ins[1].value = value
        else:
            ins[0].value = value


def _number(text: str, kind: Kind) -> int | float | str | None:
    """A typed number from a text box; None when empty; the text itself when it is not a
    number (so the document check names the problem)."""
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        return int(text) if kind == Kind.INT and text.lstrip("+-").isdigit() else float(text) \
            if kind == Kind.FLOAT or "." in text or "e" in text.lower() else int(text)
    except ValueError:
        return text


# -- rows ---------------------------------------------------------------------------------------


class _Row(w.VBox):
    """Base of every editor: a parent to notify, a NOT toggle and a remove button."""

    def __init__(self, builder: FilterBuilder, negated: bool = False) -> None:
        super().__init__()
        self.builder = builder
        self.negate = w.ToggleButton(value=negated, description="NOT", tooltip="negate",
                                     layout=w.Layout(width="4.5em"))  # fmt: skip
        self.negate.add_class("segkit-negate")
        self.negate.observe(lambda _: self.changed(), names="value")
        self.remove = w.Button(icon="times", tooltip="remove", layout=w.Layout(width="2.6em"))
        self.remove.add_class("segkit-remove")
        self.parent: GroupEditor | None = None

    def changed(self) -> None:
        self.builder._changed()

    def node(self) -> dict:
        raise NotImplementedError

    def to_dict(self) -> dict:
        node = self.node()
        return {"not": node} if self.negate.value else node


class ConditionEditor(_Row):
    """A field condition: field, operator, value."""

    def __init__(self, builder: FilterBuilder, node: dict | None = None, negated: bool = False):
        super().__init__(builder, negated)
        self.add_class("segkit-condition")
        schema = builder.schema
        options = schema.field_options()
        first = node["field"] if node else options[0][1]
        self.field = w.Dropdown(options=options, value=first, layout=w.Layout(width="22em"))
        self.field.add_class("segkit-field")
        self.op = w.Dropdown(layout=w.Layout(width="12em"))
        self.op.add_class("segkit-op")
        self.value_box = w.HBox()
        self._value: ValueInput | None = None
        self._set_ops(node.get("op") if node else None)
        self._set_value(node.get("value") if node else None)
        self.field.observe(self._on_field, names="value")
        self.op.observe(self._on_op, names="value")
        self.children = [w.HBox([self.negate, self.field, self.op, self.value_box, self.remove])]

    @property
    def kind(self) -> Kind:
        return self.builder.schema.contact_kinds[self.field.value]

    def _set_ops(self, op: str | None) -> None:
        ops = ops_for(self.kind)
        if self.kind in (Kind.DATE, Kind.DATETIME):
            ops = tuple(o for o in DATE_OPS_SHOWN if o in ops) + tuple(
                o for o in ops if o not in DATE_OPS_SHOWN)
        self.op.options = [(OP_LABELS[o], o) for o in ops]
        self.op.value = op if op in ops else ops[0]

    def _set_value(self, value: Any = None) -> None:
        values = self.builder.schema.common_values("contacts", self.field.value)
        self._value = _value_input(self.kind, self.op.value, values, self.changed, value)
        self.value_box.children = [self._value]

    def _on_field(self, _: Any) -> None:
        with self.hold_sync():
            self.op.unobserve(self._on_op, names="value")
            self._set_ops(None)
            self.op.observe(self._on_op, names="value")
            self._set_value()
        self.changed()

    def _on_op(self, _: Any) -> None:
        _reuse(self._value, self.kind, self.op.value, self._set_value)
        self.changed()

    def set_value(self, value: Any) -> None:
        assert self._value is not None
        self._value.set(value)

    def node(self) -> dict:
        out: dict[str, Any] = {"field": self.field.value, "op": self.op.value}
        value = self._value.get() if self._value else None
        if self.op.value not in ("is_empty", "is_not_empty"):
            out["value"] = value
        return out


class EventEditor(_Row):
    """An event condition: type, an optional property filter, window, measure, comparison."""

    WINDOWS = [("any time", "any"), ("in the last … days", "last_days"),
               ("between dates", "range")]  # fmt: skip

    def __init__(self, builder: FilterBuilder, node: dict | None = None, negated: bool = False):
        super().__init__(builder, negated)
        self.add_class("segkit-event")
        schema = builder.schema
        node = node or {"event": schema.event_types[0] if schema.event_types else "*"}
        types = list(dict.fromkeys([*schema.event_types, "*"]))
        etype = node["event"]
        self.event = w.Dropdown(options=[("any event" if t == "*" else label(t), t) for t in types]
                                + ([(label(etype), etype)] if isinstance(etype, str)
                                   and etype not in types else []),
                                value=etype if isinstance(etype, str) else types[0],
                                layout=w.Layout(width="14em"))  # fmt: skip
        self.event.add_class("segkit-event-type")
        self._extra_types = list(etype) if isinstance(etype, list) else None
        # where: one property condition (a richer 'where' is kept as written)
        self._where_raw = node.get("where")
        props = [("(any)", "")] + [(label(p), p) for p in schema.event_kinds if p != "timestamp"]
        simple = self._where_raw if _simple_where(self._where_raw, schema) else None
        self.where_field = w.Dropdown(options=props, value=(simple or {}).get("field", ""),
                                      description="where", layout=w.Layout(width="16em"))  # fmt: skip
        self.where_field.add_class("segkit-where-field")
        self.where_op = w.Dropdown(layout=w.Layout(width="11em"))
        self.where_value = w.HBox()
        self._where_input: ValueInput | None = None
        if self._where_raw is not None and simple is None:
            self.where_field.disabled = True
            self.where_field.description = "where (custom)"
        # window
        within = node.get("within")
        mode = "any" if within is None else ("last_days" if "last_days" in within else "range")
        self.window = w.Dropdown(options=self.WINDOWS, value=mode, layout=w.Layout(width="12em"))
        self.window.add_class("segkit-window")
        self.days = w.BoundedIntText(value=(within or {}).get("last_days", 30), min=0,
                                     max=100_000, layout=w.Layout(width="6em"))  # fmt: skip
        self.start = w.DatePicker(layout=w.Layout(width="11em"))
        self.end = w.DatePicker(layout=w.Layout(width="11em"))
        if mode == "range":
            for picker, key in ((self.start, "from"), (self.end, "to")):
                if within.get(key):
                    picker.value = dt.date.fromisoformat(within[key][:10])
        # measure and comparison
        m = node.get("measure", "count")
        kind, col = (m, None) if isinstance(m, str) else next(iter(m.items()))
        self.measure = w.Dropdown(options=MEASURES, value=kind, layout=w.Layout(width="10em"))
        self.measure.add_class("segkit-measure")
        numeric = [(label(p), p) for p, k in schema.event_kinds.items()
                   if k in (Kind.INT, Kind.FLOAT)] or [("(no numeric property)", "")]  # fmt: skip
        self.measure_of = w.Dropdown(options=numeric, value=col or numeric[0][1],
                                     layout=w.Layout(width="9em"))  # fmt: skip
        self.cmp = w.Dropdown(layout=w.Layout(width="8em"))
        self.cmp.add_class("segkit-cmp")
        self.cmp_value = w.HBox()
        self._cmp_input: ValueInput | None = None
        self._build_where(simple)
        self._build_cmp(node.get("op", "ge"), node.get("value", 1))
        for widget in (self.event, self.window, self.days, self.start, self.end, self.measure_of):
            widget.observe(lambda _: self._layout_and_change(), names="value")
        self.where_field.observe(lambda _: self._on_where_field(), names="value")
        self.where_op.observe(lambda _: self._on_where_op(), names="value")
        self.measure.observe(lambda _: self._on_measure(), names="value")
        self.cmp.observe(lambda _: self._on_cmp(), names="value")
        self._layout()

    # where
    def _build_where(self, simple: dict | None) -> None:
        prop = self.where_field.value
        if not prop:
            self.where_op.options, self.where_value.children = [], []
            self._where_input = None
            return
        kind = self.builder.schema.event_kinds[prop]
        ops = ops_for(kind)
        op = (simple or {}).get("op")
        self.where_op.options = [(OP_LABELS[o], o) for o in ops]
        self.where_op.value = op if op in ops else ops[0]
        values = self.builder.schema.common_values("events", prop)
        self._where_input = ValueInput(kind, self.where_op.value, values, self.changed,
                                       (simple or {}).get("value"))  # fmt: skip
        self.where_value.children = [self._where_input]

    def _on_where_field(self) -> None:
        with self.hold_sync():
            self._where_raw = None
            self._build_where(None)
            self._layout()
        self.changed()

    def _on_where_op(self) -> None:
        prop = self.where_field.value
        if prop:
            kind = self.builder.schema.event_kinds[prop]

            def fresh(value: Any) -> None:
                values = self.builder.schema.common_values("events", prop)
                self._where_input = _value_input(kind, self.where_op.value, values,
                                                 self.changed, value)  # fmt: skip
                self.where_value.children = [self._where_input]

            _reuse(self._where_input, kind, self.where_op.value, fresh)
        self.changed()

    # comparison
    def _measure_kind(self) -> Kind:
        return MEASURE_KIND[self.measure.value]

    def _build_cmp(self, op: str | None = None, value: Any = None) -> None:
        kind = self._measure_kind()
        ops = [o for o in ops_for(kind) if o not in ("in", "not_in")]
        if kind == Kind.DATETIME:
            ops = [o for o in DATE_OPS_SHOWN if o in ops]
        self.cmp.options = [(OP_LABELS[o], o) for o in ops]
        self.cmp.value = op if op in ops else ops[0]
        shown_kind = Kind.FLOAT if kind == Kind.FLOAT else kind
        self._cmp_input = ValueInput(shown_kind, self.cmp.value, None, self.changed, value)
        self.cmp_value.children = [self._cmp_input]

    def _on_measure(self) -> None:
        with self.hold_sync():
            self._build_cmp(None, None if self._measure_kind() != Kind.INT else 1)
            self._layout()
        self.changed()

    def _on_cmp(self) -> None:
        kind = self._measure_kind()
        old = _carry(self._cmp_input.get() if self._cmp_input else None, self.cmp.value)
        self._cmp_input = _value_input(kind, self.cmp.value, None, self.changed, old)
        self.cmp_value.children = [self._cmp_input]
        self.changed()

    def _layout_and_change(self) -> None:
        self._layout()
        self.changed()

    def _layout(self) -> None:
        line1 = [self.negate, w.HTML("<b>did</b>"), self.event, self.where_field, self.where_op,
                 self.where_value, self.remove]  # fmt: skip
        if not self.where_field.value:
            line1 = [self.negate, w.HTML("<b>did</b>"), self.event, self.where_field, self.remove]
        window = [self.window]
        if self.window.value == "last_days":
            window.append(self.days)
        elif self.window.value == "range":
            window += [self.start, w.HTML("and"), self.end]
        measure = [self.measure] + ([self.measure_of] if self.measure.value in
                                    ("sum", "avg", "min", "max") else [])  # fmt: skip
        self.children = [w.HBox(line1), w.HBox([w.HTML("&emsp;"), *window, *measure, self.cmp,
                                                self.cmp_value])]  # fmt: skip

    def node(self) -> dict:
        out: dict[str, Any] = {"event": self._extra_types or self.event.value}
        if self.where_field.value and self._where_input is not None:
            where: dict[str, Any] = {"field": self.where_field.value, "op": self.where_op.value}
            if self.where_op.value not in ("is_empty", "is_not_empty"):
                where["value"] = self._where_input.get()
            out["where"] = where
        elif self._where_raw is not None:
            out["where"] = self._where_raw
        if self.window.value == "last_days":
            out["within"] = {"last_days": int(self.days.value)}
        elif self.window.value == "range":
            bounds = {}
            if self.start.value:
                bounds["from"] = self.start.value.isoformat()
            if self.end.value:
                bounds["to"] = self.end.value.isoformat()
            out["within"] = bounds
        if self.measure.value != "count":
            m = self.measure.value
            out["measure"] = {m: self.measure_of.value} if m in ("sum", "avg", "min", "max") else m
        op = self.cmp.value
        value = self._cmp_input.get() if self._cmp_input else None
        if not (self.measure.value == "count" and op == "ge" and value == 1):
            out["op"] = op
            if op not in ("is_empty", "is_not_empty"):
                out["value"] = value
        return out


def _value_input(kind: Kind, op: str, values: Any, on_change: Callable[[], None],
                 value: Any = None) -> ValueInput:  # fmt: skip
    """A value box showing ``value``, or an empty one when it cannot show it."""
    try:
        return ValueInput(kind, op, values, on_change, value)
    except (TypeError, ValueError, traitlets.TraitError):
        return ValueInput(kind, op, values, on_change)


def _reuse(box: ValueInput | None, kind: Kind, op: str, fresh: Callable[[Any], None]) -> None:
    """After an operator change: the same box when it fits the new operator (keeping what was
    typed), else ``fresh(value carried over)``, which builds and shows a new one."""
    if box is not None and box.fits(kind, op):
        box.op = op
    else:
        fresh(_carry(box.get() if box is not None else None, op))


def _carry(old: Any, new_op: str) -> Any:
    """The value worth keeping when the operator changes: a single value stays a single value
    (``gt 30`` -> ``ge 30``); lists and ranges start afresh."""
    if old in (None, "", []) or isinstance(old, list) or new_op in (
        "between", "in", "not_in", "has_any", "has_all", "has_none", "is_empty", "is_not_empty",
        "within_last_days", "not_within_last_days",
    ):  # fmt: skip
        return None
    return old


def _simple_where(where: Any, schema: Schema) -> bool:
    return (
        isinstance(where, dict) and "field" in where and where["field"] in schema.event_kinds
        and where["field"] != "timestamp"
    )  # fmt: skip


class SegmentRefEditor(_Row):
    """Membership of a saved segment of the catalog."""

    def __init__(self, builder: FilterBuilder, node: dict | None = None, negated: bool = False):
        super().__init__(builder, negated)
        self.add_class("segkit-segment-ref")
        names = sorted(builder.catalog or {})
        name = (node or {}).get("segment") or (names[0] if names else "")
        self.name = w.Dropdown(options=list(dict.fromkeys([*names, name])), value=name,
                               description="in segment")  # fmt: skip
        self.name.observe(lambda _: self.changed(), names="value")
        self.children = [w.HBox([self.negate, self.name, self.remove])]

    def node(self) -> dict:
        return {"segment": self.name.value}


class GroupEditor(_Row):
    """``all`` / ``any`` (and their negations) over child rows, with add buttons."""

    def __init__(self, builder: FilterBuilder, node: dict | None = None, depth: int = 0):
        mode = "all"
        negated = False
        if node and "not" in node and ("all" in node["not"] or "any" in node["not"]):
            negated, node = True, node["not"]
        if node and "any" in node:
            mode = "any"
        super().__init__(builder, False)
        self.add_class("segkit-group")
        self.depth = depth
        shown = {("all", False): "all", ("any", False): "any", ("all", True): "not all",
                 ("any", True): "none"}[(mode, negated)]  # fmt: skip
        self.mode = w.Dropdown(options=GROUP_MODES, value=shown, layout=w.Layout(width="9em"))
        self.mode.add_class("segkit-group-mode")
        self.mode.observe(lambda _: self.changed(), names="value")
        self.add_condition_button = w.Button(description="+ condition", tooltip="field condition")
        self.add_event_button = w.Button(description="+ event", tooltip="event condition")
        self.add_group_button = w.Button(description="+ group", tooltip="nested group")
        self.add_segment_button = w.Button(description="+ segment", tooltip="saved segment",
                                           disabled=not builder.catalog)  # fmt: skip
        for b, cls in ((self.add_condition_button, "segkit-add-condition"),
                       (self.add_event_button, "segkit-add-event"),
                       (self.add_group_button, "segkit-add-group"),
                       (self.add_segment_button, "segkit-add-segment")):  # fmt: skip
            b.add_class(cls)
        self.add_condition_button.on_click(lambda _: self.add_condition())
        self.add_event_button.on_click(lambda _: self.add_event())
        self.add_group_button.on_click(lambda _: self.add_group())
        self.add_segment_button.on_click(lambda _: self.add_segment())
        if not builder.schema.event_types:
            self.add_event_button.disabled = True
        self.rows: list[_Row] = []
        self.body = w.VBox(layout=w.Layout(border_left="3px solid #c5cae9", padding="0 0 0 8px",
                                           margin="2px 0 2px 6px"))  # fmt: skip
        kids = (node or {}).get(mode, [])
        for child in kids:
            self._append(self._editor_for(child))
        header = [self.mode, self.add_condition_button, self.add_event_button,
                  self.add_group_button, self.add_segment_button]  # fmt: skip
        if depth:
            header.append(self.remove)
        self.children = [w.HBox(header), self.body]
        self._render()

    def _editor_for(self, node: dict) -> _Row:
        negated = False
        if "not" in node and not ("all" in node["not"] or "any" in node["not"]):
            negated, node = True, node["not"]
            if "not" in node:  # double negation: keep it as a negated group of one
                return GroupEditor(self.builder, {"not": {"all": [node]}}, self.depth + 1)
        if "all" in node or "any" in node or "not" in node:
            return GroupEditor(self.builder, node, self.depth + 1)
        if "event" in node:
            return EventEditor(self.builder, node, negated)
        if "segment" in node:
            return SegmentRefEditor(self.builder, node, negated)
        return ConditionEditor(self.builder, node, negated)

    def _append(self, row: _Row) -> _Row:
        row.parent = self
        row.remove.on_click(lambda _, row=row: self.remove_row(row))
        self.rows.append(row)
        return row

    def _render(self) -> None:
        with self.hold_sync():
            self.body.children = self.rows or [w.HTML("<i>no conditions: everyone matches</i>"
                                                      if self.mode.value in ("all", "none")
                                                      else "<i>no conditions: no one matches</i>")]

    def _add(self, row: _Row) -> _Row:
        self._append(row)
        self._render()
        self.changed()
        return row

    def add_condition(self, node: dict | None = None) -> ConditionEditor:
        return self._add(ConditionEditor(self.builder, node))  # type: ignore[return-value]

    def add_event(self, node: dict | None = None) -> EventEditor:
        return self._add(EventEditor(self.builder, node))  # type: ignore[return-value]

    def add_group(self, node: dict | None = None) -> GroupEditor:
        return self._add(GroupEditor(self.builder, node or {"any": []},
                                     self.depth + 1))  # type: ignore[return-value]

    def add_segment(self, node: dict | None = None) -> SegmentRefEditor:
        return self._add(SegmentRefEditor(self.builder, node))  # type: ignore[return-value]

    def remove_row(self, row: _Row) -> None:
        self.rows.remove(row)
        _detach(row)
        self._render()
        self.changed()

    def node(self) -> dict:
        mode = self.mode.value
        key = "all" if mode in ("all", "not all") else "any"
        inner = {key: [r.to_dict() for r in self.rows]}
        return {"not": inner} if mode in ("not all", "none") else inner


def _detach(widget: w.Widget) -> None:
    """Close a removed editor and everything in it, so no observer outlives it."""
    for child in getattr(widget, "children", ()):
        _detach(child)
    widget.close()


# -- the builder ---------------------------------------------------------------------------------


class FilterBuilder(w.VBox):
    """Build a segment visually. ``.value`` is the rule dict, ``.segment`` the Segment.

    >>> import polars as pl, segkit as sk
    >>> data = sk.Dataset(pl.DataFrame({"contact_id": [1, 2], "country": ["US", "DE"]}))
    >>> b = sk.FilterBuilder(data)
    >>> row = b.root.add_condition({"field": "country", "op": "eq", "value": "us"})
    >>> b.value
    {'all': [{'field': 'country', 'op': 'eq', 'value': 'us'}]}
    >>> b.count_label.value
    '<b>1</b> of 2 contacts (50.0%)'
    """

    def __init__(
        self,
        data: Any,
        segment: Segment | dict | None = None,
        *,
        as_of: Any = None,
        catalog: Any = None,
        debounce: float = 0.0,
        on_change: Callable[[FilterBuilder], None] | None = None,
    ) -> None:
        super().__init__()
        self.add_class("segkit-filter-builder")
        workspace = None if isinstance(data, Dataset) else data
        dataset = data.dataset() if workspace is not None and hasattr(data, "dataset") else data
        if not isinstance(dataset, Dataset):
            raise TypeError("FilterBuilder needs a Dataset or a Workspace")
        self.data = dataset
        if catalog is None and workspace is not None:
            catalog = getattr(workspace, "segments", None)
        self.catalog = dict(catalog) if catalog else None
        self.as_of = as_of
        self.debounce = debounce
        self.schema = Schema(dataset)
        self.total = dataset.n_contacts
        self.name = w.Text(placeholder="segment name", layout=w.Layout(width="22em"))
        self.name.add_class("segkit-segment-name")
        self.name.observe(lambda _: self._changed(), names="value")
        self.count_label = w.HTML()
        self.count_label.add_class("segkit-count")
        self.message = w.HTML()
        self.message.add_class("segkit-message")
        self._listeners: list[Callable[[FilterBuilder], None]] = [on_change] if on_change else []
        self._pending: asyncio.TimerHandle | None = None
        self._loading = False
        self.value: dict = {"all": []}
        self.segment: Segment | None = None
        self.count: int | None = None
        self.root: GroupEditor
        self.load(segment)

    # -- loading and reading --------------------------------------------------------------------

    def load(self, segment: Segment | dict | None) -> None:
        """Fill the editor from a Segment, a document, or a rule dict."""
        doc: dict
        if segment is None:
            doc = {"all": []}
            name = ""
        elif isinstance(segment, Segment):
            doc, name = segment.to_dict()["rule"], segment.name or ""
        elif "rule" in segment:
            doc, name = Segment.from_dict(segment).to_dict()["rule"], segment.get("name", "")
        else:
            doc, name = segment, ""
        if not ("all" in doc or "any" in doc or ("not" in doc and isinstance(doc["not"], dict)
                                                 and ("all" in doc["not"] or "any" in doc["not"]))):
            doc = {"all": [doc]}
        self._loading = True
        try:
            with self.hold_sync():
                old = getattr(self, "root", None)
                self.root = GroupEditor(self, doc)
                if old is not None:
                    _detach(old)
                self.name.value = name
                self.children = [self.root, w.HBox([self.count_label, self.message])]
        finally:
            self._loading = False
        self._changed()

    @property
    def rule(self):
        """The current rule tree (a node), or None while the editor holds an invalid rule."""
        return self.segment.rule if self.segment is not None else None

    def on_change(self, callback: Callable[[FilterBuilder], None]) -> None:
        """Call ``callback(builder)`` after every change: ``builder.segment`` and
        ``builder.count`` are the new segment and its size, or None while the rule is
        invalid or incomplete."""
        self._listeners.append(callback)

    # -- reacting -------------------------------------------------------------------------------

    def _changed(self) -> None:
        if self._loading:
            return
        self.value = self.root.to_dict()
        try:
            seg = Segment(self.value, name=self.name.value or None)
            seg.validate(self.data, self.catalog).raise_first()
        except SegkitError as exc:
            self.segment = None
            self.count = None
            self.message.value = f"<span style='color:#b42318'>⚠ {_friendly(exc)}</span>"
            self.count_label.value = f"<b>–</b> of {self.total:,} contacts"
            self._notify()
            return
        self.segment = seg
        self.message.value = ""
        self._schedule_count()

    def _schedule_count(self) -> None:
        if self.debounce <= 0:
            self.refresh_count()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.refresh_count()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(self.debounce, self.refresh_count)

    def refresh_count(self) -> int | None:
        """Count the current segment now and show "n of N (p%)"."""
        self._pending = None
        if self.segment is None:
            return None
        try:
            n = self.segment.count(self.data, as_of=self.as_of, catalog=self.catalog)
        except SegkitError as exc:
            self.message.value = f"<span style='color:#b42318'>⚠ {_friendly(exc)}</span>"
            return None
        share = n / self.total if self.total else 0.0
        self.count_label.value = f"<b>{n:,}</b> of {self.total:,} contacts ({share:.1%})"
        self.count = n
        self._notify()
        return n

    def _notify(self) -> None:
        for listener in self._listeners:
            listener(self)


def _friendly(exc: Exception) -> str:
    import html

    text = str(exc)
    if any(s in text for s in ("value: missing", "null is never", "found None", "found [None")):
        text = text.split(":")[0] + ": choose a value"
    return html.escape(text)
