"""Parent links as a tree: subtree and ancestor questions answered from one dict.

Areas and categories are both hierarchies of a few hundred or thousand rows; loading their
(id, parent_id) pairs once and walking them in Python is simpler than a stored path that
every move must rewrite.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


class Tree:
    def __init__(self, links: Iterable[tuple[int, int | None]]) -> None:
        self.parent: dict[int, int | None] = dict(links)
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for child, parent in self.parent.items():
            self.children[parent].append(child)

    def descendants(self, root: int, *, include_self: bool = True) -> set[int]:
        found = {root} if include_self else set()
        stack = list(self.children.get(root, ()))
        while stack:
            node = stack.pop()
            if node not in found:
                found.add(node)
                stack.extend(self.children.get(node, ()))
        return found

    def subtrees(self, roots: Iterable[int]) -> set[int]:
        found: set[int] = set()
        for root in roots:
            if root not in found:
                found |= self.descendants(root)
        return found

    def ancestors(self, node: int) -> list[int]:
        """From the parent up to the root."""
        chain: list[int] = []
        seen = {node}
        current = self.parent.get(node)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = self.parent.get(current)
        return chain

    def depth(self, node: int) -> int:
        return len(self.ancestors(node))
