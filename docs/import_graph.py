"""The picture in docs/architecture.md, made from the code: which package of Vigil imports which,
grouped by layer, as a Mermaid graph (GitHub and most Markdown viewers draw it).

    .venv/bin/python docs/import_graph.py          # rewrite the graph in docs/architecture.md
    .venv/bin/python docs/import_graph.py --check  # exit 1 when the page no longer tells the truth

The test suite runs --check, so the page stays true. Imports inside functions count: grimp reads
every import statement, as import-linter does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

PAGE = Path(__file__).with_name("architecture.md")
BEGIN, END = "<!-- import graph: begin -->", "<!-- import graph: end -->"

# Each package of vigil in its layer, lowest first. chats is split: its readers are pure Python,
# chats.importing writes the database.
LAYERS: dict[str, list[str]] = {
    "readers and media (no Django)": [
        "config",
        "core",
        "media",
        "sources",
        "chats",
        "store",
        "analyzers",
    ],
    "domain": [
        "audit",
        "matching",
        "governance",
        "pipeline",
        "chats.importing",
        "accounts",
        "faces",
        "hub",
        "jobs",
        "ops",
        "demo",
    ],
    "records (the models)": ["records"],
    "web and cli": ["web", "cli"],
}


def node_of(module: str) -> str | None:
    """The graph node a module belongs to: `vigil.chats.importing.x` → chats.importing."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != "vigil":
        return None
    if parts[1] == "chats" and len(parts) > 2 and parts[2] == "importing":
        return "chats.importing"
    return parts[1]


def package_edges() -> set[tuple[str, str]]:
    graph = grimp.build_graph("vigil", include_external_packages=False)
    edges = set()
    for importer in graph.modules:
        source = node_of(importer)
        for imported in graph.find_modules_directly_imported_by(importer):
            target = node_of(imported)
            if source and target and source != target:
                edges.add((source, target))
    return edges


def mermaid() -> str:
    known = {node for nodes in LAYERS.values() for node in nodes}
    lines = ["```mermaid", "flowchart BT"]
    for index, (layer, nodes) in enumerate(LAYERS.items()):
        lines.append(f'  subgraph L{index}["{layer}"]')
        lines.extend(f'    {_id(node)}["{node}"]' for node in nodes)
        lines.append("  end")
    for source, target in sorted(package_edges()):
        if source in known and target in known:
            lines.append(f"  {_id(source)} --> {_id(target)}")
    lines.append("```")
    return "\n".join(lines)


def _id(node: str) -> str:
    return node.replace(".", "_")


def page_with_graph(page: str) -> str:
    head, _, rest = page.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{mermaid()}\n{END}{tail}"


def unplaced_packages() -> list[str]:
    """Packages of vigil that no layer names: a new package must be given its place."""
    known = {node for nodes in LAYERS.values() for node in nodes}
    root = Path(__file__).resolve().parents[1] / "src" / "vigil"
    found = {path.parent.name for path in root.glob("*/__init__.py")}
    return sorted(found - known - {"locale"})


def main() -> int:
    page = PAGE.read_text()
    wanted = page_with_graph(page)
    unplaced = unplaced_packages()
    if unplaced:
        print(f"packages with no layer in docs/import_graph.py: {', '.join(unplaced)}")
        return 1
    if "--check" in sys.argv:
        if wanted != page:
            print("docs/architecture.md: the import graph is out of date; run docs/import_graph.py")
            return 1
        return 0
    PAGE.write_text(wanted)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
