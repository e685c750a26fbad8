"""``python -m bench list``: every declared implementation, what it is, and whether
it runs here (with the reason where it does not)."""

from kernels import DECLARED, unavailable

TRAITS = ("interpreted", "threaded", "device", "compiles")


def registry_lines():
    """One line per declared implementation, in table order."""
    missing = unavailable()
    width = max(len(impl.name) for impl in DECLARED)
    lines = []
    for impl in DECLARED:
        traits = ", ".join(t for t in TRAITS if getattr(impl, t)) or "-"
        where = f"NOT AVAILABLE: {missing[impl.name]}" if impl.name in missing else "ok"
        lines.append(f"{impl.name:<{width}}  {traits:<22}  {where}")
    return lines


def main():
    print("\n".join(registry_lines()))
    return 0
