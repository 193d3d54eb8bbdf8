"""The build stage: orchestration, the per-document cache, executors and the table store.

``eduanalysis.build`` is both this package and the public function that runs a
build (``eduanalysis.build("data/raw", "data/processed")``, as documented in the
README): importing ``eduanalysis.build.pipeline`` binds the name ``build`` on the
top-level package to this module, so the module itself is made callable and
forwards to :func:`eduanalysis.build.pipeline.build`.
"""

from __future__ import annotations

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, corpus_dir="data/raw", out_dir="data/processed", **kwargs):
        """Read a corpus folder and write every table to ``out_dir``; see :func:`eduanalysis.build.pipeline.build`."""
        from eduanalysis.build.pipeline import build

        return build(corpus_dir, out_dir, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
