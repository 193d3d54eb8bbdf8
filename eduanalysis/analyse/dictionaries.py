"""A user's own dictionaries, given as files in the report's parameters instead of edits to the package.

Four kinds, each merged with the package's (the default) or replacing it when named in ``replace``:

``taxonomy``
    themes CSV as :mod:`eduanalysis.analyse.themes` reads it (``theme_id,name_zh,name_en,keywords``);
    merged, a user row overrides the packaged theme of the same id and new themes are appended.
``indicators``
    indicator registry CSV as ``resources/extract/indicators.csv``; targets are re-mapped with the
    user's rows first (merged) or with the user's rows alone (replaced). The build is not redone:
    mapping reads only ``indicator_text`` and ``sentence``.
``stopwords``, ``userdict``
    one word a line (jieba's user-dictionary format ``word [freq [tag]]`` for ``userdict``), read by
    the tokenizer of similarity, keyness and clustering, in every worker process.

In a notebook (the report passes ``user_dictionaries`` from its parameters file)::

    user = dictionaries.use({"taxonomy": "params/meiyu_themes.csv", "replace": ["taxonomy"]})
    tax = user.taxonomy
    sel = user.remap(selection.load(processed_dir))
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from eduanalysis.analyse import features, themes
from eduanalysis.analyse.selection import Selection
from eduanalysis.errors import EduAnalysisError
from eduanalysis.extract.indicators import best_match, read_registry, registry

KINDS = ("taxonomy", "indicators", "stopwords", "userdict")


@dataclass
class UserDictionaries:
    """The dictionaries in force: paths (None: the package's) and which replace the package's."""

    taxonomy_file: Path | None = None
    indicators_file: Path | None = None
    stopwords_file: Path | None = None
    userdict_file: Path | None = None
    replace: tuple[str, ...] = ()

    @property
    def taxonomy(self) -> pd.DataFrame:
        return themes.taxonomy(self.taxonomy_file, replace="taxonomy" in self.replace)

    def remap(self, sel: Selection) -> Selection:
        """``sel`` with its targets mapped to the user's indicator registry (unchanged without one)."""
        if self.indicators_file is None:
            return sel
        return sel.replace(targets=remap_indicators(sel.targets, self.indicators_file,
                                                                 replace="indicators" in self.replace))


def check(spec: dict | None, source: str = "user_dictionaries") -> dict:
    """Validate a ``user_dictionaries`` mapping: known kinds, existing files, ``replace`` a list of kinds.

    >>> check({})
    {}
    >>> check({"themes": "x.csv"})
    Traceback (most recent call last):
    ...
    eduanalysis.errors.EduAnalysisError: user_dictionaries: unknown kind 'themes'; allowed: taxonomy, indicators, stopwords, userdict, replace
    """
    spec = dict(spec or {})
    for key, value in spec.items():
        if key == "replace":
            if not isinstance(value, list) or not set(value) <= set(KINDS):
                raise EduAnalysisError(f"{source}: replace must be a list of {', '.join(KINDS)}, got {value!r}")
            continue
        if key not in KINDS:
            raise EduAnalysisError(f"{source}: unknown kind {key!r}; allowed: {', '.join(KINDS)}, replace")
        if not isinstance(value, str) or not Path(value).is_file():
            raise EduAnalysisError(f"{source}: {key} file {value!r} does not exist; give a path to a file "
                                   "(relative paths are taken from the working directory)")
    missing = sorted(set(spec.get("replace", [])) - set(spec))
    if missing:
        raise EduAnalysisError(f"{source}: replace names {missing} but gives no file for them")
    return spec


def use(spec: dict | None) -> UserDictionaries:
    """Put a ``user_dictionaries`` mapping in force for this process and the tokenizer processes it starts."""
    spec = check(spec)
    user = UserDictionaries(*(Path(spec[k]).resolve() if k in spec else None for k in KINDS),
                            replace=tuple(spec.get("replace", ())))
    for env, path in ((features.STOPWORDS_ENV, user.stopwords_file), (features.USERDICT_ENV, user.userdict_file)):
        if path is None:
            os.environ.pop(env, None)
        else:
            os.environ[env] = str(path)
    os.environ[features.REPLACE_ENV] = ",".join(user.replace)
    features.reload_dictionaries()
    if user.taxonomy_file is not None:
        user.taxonomy  # noqa: B018 -- read once now so a bad file fails here, naming itself
    return user


def remap_indicators(targets: pd.DataFrame, path: str | Path, replace: bool = False) -> pd.DataFrame:
    """Targets with ``indicator_id/_zh/_en`` from the registry at ``path`` (before the package's, or alone).

    >>> import tempfile
    >>> f = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
    >>> _ = f.write("indicator_id,name_zh,name_en,stage,expected_unit,family,patterns,synonyms\\n"
    ...             "arts_hours,艺术课时,Arts class hours,compulsory,percent,curriculum,艺术课时|美育课时,\\n"); f.close()
    >>> t = pd.DataFrame({"indicator_text": ["美育课时"], "sentence": ["美育课时占比达到11%"],
    ...                   "indicator_id": [None], "indicator_zh": [None], "indicator_en": [None]})
    >>> remap_indicators(t, f.name).indicator_id.tolist()
    ['arts_hours']
    """
    user = read_registry(path)
    pool = user if replace else user + registry()
    out = targets.copy()
    found = [best_match(text, pool) or best_match(ctx, pool)
             for text, ctx in zip(out["indicator_text"], out["sentence"], strict=True)]
    out["indicator_id"] = pd.array([i.indicator_id if i else None for i in found], dtype="string")
    out["indicator_zh"] = pd.array([i.name_zh if i else None for i in found], dtype="string")
    out["indicator_en"] = pd.array([i.name_en if i else None for i in found], dtype="string")
    if "indicator_score" in out.columns:  # a pattern match is sure; the fuzzy fallback is not re-run here
        out["indicator_score"] = pd.array([1.0 if i else None for i in found], dtype="Float64")
    return out
