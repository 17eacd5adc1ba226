"""The redeploy proof's policy change: the first allowed origin replaced."""

import tomllib


def change_origin(policy, out, new_origin):
    """Writes POLICY to OUT with the first entry of [cors].allow_origins
    replaced by NEW_ORIGIN; returns the origin it replaced."""
    with open(policy, "rb") as f:
        old = tomllib.load(f)["cors"]["allow_origins"][0]
    with open(policy, encoding="utf-8") as f:
        text = f.read()
    # The first quoted occurrence is the entry in [cors] unless a comment or an
    # earlier table quotes it too: checked below, not assumed.
    changed = text.replace(f'"{old}"', f'"{new_origin}"', 1)
    if tomllib.loads(changed)["cors"]["allow_origins"][0] != new_origin:
        raise ValueError(f"could not replace {old!r} in [cors].allow_origins of {policy}")
    with open(out, "w", encoding="utf-8") as f:
        f.write(changed)
    return old
