"""A button that downloads a file computed in Python, in the browser, with no server route.

Click -> the front end asks the kernel -> Python builds the bytes -> they come back as a binary
buffer -> the browser saves them as a Blob. anywidget ships the front end inline (no CDN).
"""

from __future__ import annotations

from collections.abc import Callable

import anywidget
import traitlets

_ESM = """
function render({ model, el }) {
  const button = document.createElement("button");
  button.className = "jupyter-button widget-button segkit-download-button";
  const label = () => { button.textContent = model.get("description"); };
  label();
  button.disabled = model.get("disabled");
  model.on("change:description", label);
  model.on("change:disabled", () => { button.disabled = model.get("disabled"); });
  button.addEventListener("click", () => model.send({ event: "click" }));
  model.on("msg:custom", (msg, buffers) => {
    if (msg.event !== "file") return;
    const blob = new Blob([buffers[0]], { type: msg.mime });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = msg.filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  });
  el.appendChild(button);
}
export default { render };
"""


class DownloadButton(anywidget.AnyWidget):
    """``DownloadButton(lambda: b"...", filename="members.csv")``."""

    _esm = _ESM
    description = traitlets.Unicode("Download").tag(sync=True)
    filename = traitlets.Unicode("download.csv").tag(sync=True)
    mime = traitlets.Unicode("text/csv").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, make: Callable[[], bytes], **kwargs) -> None:
        super().__init__(**kwargs)
        self.make = make
        self.add_class("segkit-download")
        self.on_msg(self._on_msg)

    def _on_msg(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "click":
            self.deliver()

    def deliver(self) -> bytes:
        """Build the file and send it to the browser (also what a click does)."""
        data = self.make()
        self.send({"event": "file", "filename": self.filename, "mime": self.mime}, [data])
        return data
