"""``ContactEditor``: find a contact, edit its fields, tags and custom fields, save one commit.

The form is generated from the workspace's schema: a typed input per field. Saving sends only
the fields that changed to ``ws.update`` (or everything filled in to ``ws.add_contact``); the
workspace checks types before writing, and its error is shown inline.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w
import polars as pl

from segkit.errors import SegkitError
from segkit.privacy import mask_pii

READ_ONLY = ("contact_id",)


def _input_for(name: str, dtype: pl.DataType) -> w.Widget:
    layout = w.Layout(width="28em")
    style = {"description_width": "11em"}
    kw = {"description": name.replace("_", " "), "layout": layout, "style": style}
    if isinstance(dtype, pl.List):
        return w.TagsInput(value=[], allow_duplicates=False, **kw)
    if isinstance(dtype, pl.Boolean):
        return w.Dropdown(options=[("", None), ("true", True), ("false", False)], value=None, **kw)
    if isinstance(dtype, pl.Datetime | pl.Date):
        return w.DatePicker(**kw)
    if dtype.is_integer():
        return w.Text(placeholder="whole number", **kw)
    if dtype.is_float():
        return w.Text(placeholder="number", **kw)
    return w.Text(**kw)


def _to_widget(value: Any, widget: w.Widget) -> Any:
    if isinstance(widget, w.TagsInput):
        return list(value or [])
    if isinstance(widget, w.DatePicker):
        return value.date() if isinstance(value, dt.datetime) else value
    if isinstance(widget, w.Text):
        return "" if value is None else str(value)
    return value


def _from_widget(widget: w.Widget, dtype: pl.DataType) -> Any:
    """The widget's value as the field's type; raises ValueError with a readable message."""
    value = widget.value
    if isinstance(widget, w.TagsInput):
        return list(value)
    if isinstance(widget, w.DatePicker):
        if value is None:
            return None
        return dt.datetime.combine(value, dt.time()) if isinstance(dtype, pl.Datetime) else value
    if isinstance(widget, w.Text):
        text = value.strip()
        if text == "":
            return None
        if dtype.is_integer():
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"{widget.description}: {text!r} is not a whole number") from None
        if dtype.is_float():
            try:
                return float(text)
            except ValueError:
                raise ValueError(f"{widget.description}: {text!r} is not a number") from None
        return text
    return value


class ContactEditor(w.VBox):
    """Search contacts, edit one in a validated form, save it as one commit; or add a new one."""

    def __init__(self, workspace: Any, *, show_pii: bool = True, limit: int = 15) -> None:
        super().__init__()
        self.add_class("segkit-contact-editor")
        self.workspace = workspace
        self.show_pii = show_pii
        self.limit = limit
        self.query = w.Text(placeholder="search name, email, company, phone, city",
                            layout=w.Layout(width="34em"))  # fmt: skip
        self.query.add_class("segkit-search")
        self.query.observe(lambda _: self.search(), names="value")
        self.results = w.Select(options=[], rows=8, layout=w.Layout(width="60em"))
        self.results.add_class("segkit-results")
        self.results.observe(lambda c: self.load(c["new"]) if c["new"] is not None else None,
                             names="value")  # fmt: skip
        self.new_button = w.Button(description="New contact", icon="plus")
        self.new_button.on_click(lambda _: self.new())
        self.save_button = w.Button(description="Save", icon="save", button_style="primary")
        self.save_button.add_class("segkit-save-contact")
        self.save_button.on_click(lambda _: self.save())
        self.message = w.HTML()
        self.message.add_class("segkit-message")
        self.title = w.HTML()
        self.inputs: dict[str, w.Widget] = {}
        self.form = w.VBox()
        self.contact_id: int | None = None
        self._loaded: dict[str, Any] = {}
        self._build_form()
        self.children = [w.HBox([self.query, self.new_button]), self.results, self.title,
                         self.form, w.HBox([self.save_button, self.message])]  # fmt: skip
        self.new()

    def _schema(self) -> pl.Schema:
        return self.workspace.dataset().contacts_schema

    def _build_form(self) -> None:
        self.schema = self._schema()
        self.inputs = {name: _input_for(name, dtype) for name, dtype in self.schema.items()
                       if name not in READ_ONLY}  # fmt: skip
        self.form.children = list(self.inputs.values())

    # -- finding --------------------------------------------------------------------------------

    def search(self, query: str | None = None) -> pl.DataFrame:
        """Ranked matches for the query (typo-tolerant names), listed for picking."""
        if query is not None:
            self.query.value = query
            return self._last
        text = self.query.value.strip()
        found = self.workspace.search(text, limit=self.limit) if text else pl.DataFrame()
        self._last = found
        shown = found if self.show_pii or found.is_empty() else mask_pii(found)
        options = []
        for row in shown.iter_rows(named=True):
            name = " ".join(str(row.get(k) or "") for k in ("first_name", "last_name")).strip()
            label = f"{name or '(no name)'} · {row.get('email') or ''} · {row.get('company') or ''}"
            options.append((label, row["contact_id"]))
        with self.results.hold_trait_notifications():
            self.results.options = options
            self.results.value = None
        return found

    # -- editing --------------------------------------------------------------------------------

    def load(self, contact_id: int) -> None:
        """Fill the form with one contact."""
        row = self.workspace.contacts().filter(pl.col("contact_id") == contact_id)
        if row.is_empty():
            self.message.value = f"<span style='color:#b42318'>no contact {contact_id}</span>"
            return
        record = row.row(0, named=True)
        self.contact_id = contact_id
        self._loaded = {k: record.get(k) for k in self.inputs}
        with self.hold_sync():
            for name, widget in self.inputs.items():
                widget.value = _to_widget(record.get(name), widget)
        self.title.value = f"<h4>Contact {contact_id}</h4>"
        self.message.value = ""

    def new(self) -> None:
        """Empty the form for a new contact."""
        self.contact_id = None
        self._loaded = {}
        with self.hold_sync():
            for widget in self.inputs.values():
                widget.value = _to_widget(None, widget)
        self.title.value = "<h4>New contact</h4>"

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the loaded contact (all filled ones when new)."""
        out = {}
        for name, widget in self.inputs.items():
            value = _from_widget(widget, self.schema[name])
            before = self._loaded.get(name)
            if isinstance(before, dt.datetime) and isinstance(value, dt.datetime):
                before = dt.datetime.combine(before.date(), dt.time())  # the form edits days
            if self.contact_id is None:
                if value not in (None, []):
                    out[name] = value
            elif value != before and not (value in (None, []) and before in (None, [])):
                out[name] = value
        return out

    def save(self) -> int | None:
        """Write the form as one commit: an update of the changed fields, or a new contact."""
        try:
            changed = self.changes()
        except ValueError as exc:
            self.message.value = f"<span style='color:#b42318'>{html.escape(str(exc))}</span>"
            return None
        if not changed:
            self.message.value = "<i>nothing changed</i>"
            return self.contact_id
        try:
            if self.contact_id is None:
                self.contact_id = self.workspace.add_contact(**changed)
            else:
                self.workspace.update(self.contact_id, **changed)
        except SegkitError as exc:
            self.message.value = f"<span style='color:#b42318'>{html.escape(str(exc))}</span>"
            return None
        fields = ", ".join(sorted(changed))
        self.load(self.contact_id)
        self.message.value = (f"<span style='color:#1a7f37'>saved contact {self.contact_id} "
                              f"({html.escape(fields)}) as version {self.workspace.version}"
                              "</span>")  # fmt: skip
        return self.contact_id
