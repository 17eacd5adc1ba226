#!/usr/bin/env python3
"""Check every relative link and #anchor of a built mdBook and of Markdown files.

Usage: check-links.py BOOK_HTML_DIR [FILE.md ...]

- HTML: every href/src of every page that is not an absolute URL must name a
  file inside BOOK_HTML_DIR (a folder means its index.html), and its #fragment
  an id (or a name) in that file.
- Markdown: every [text](target) outside code must name a file or folder of
  the repository, relative to the Markdown file, and its #fragment a heading of
  the target (GitHub's anchors: lower case, punctuation dropped, spaces to -).
Nothing is fetched: external links (with a scheme, or //host) are skipped.
Exit 1 and a list when anything is broken.
"""

import html.parser
import os
import re
import sys
import urllib.parse

SKIP_SCHEMES = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            if name in ("href", "src") and tag in ("a", "link", "script", "img"):
                self.links.append((value, self.getpos()[0]))


def external(link):
    return bool(SKIP_SCHEMES.match(link)) or link.startswith("//")


def check_html(root):
    pages = {}
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                path = os.path.join(dirpath, f)
                page = Page()
                with open(path, encoding="utf-8") as fh:
                    page.feed(fh.read())
                pages[os.path.normpath(path)] = page
    broken = []
    checked = 0
    for path, page in sorted(pages.items()):
        for link, line in page.links:
            if external(link):
                continue
            checked += 1
            target, _, fragment = link.partition("#")
            target = urllib.parse.unquote(target.split("?")[0])
            if target:
                dest = os.path.normpath(os.path.join(os.path.dirname(path), target))
                if os.path.isdir(dest):
                    dest = os.path.join(dest, "index.html")
            else:
                dest = path
            rel = os.path.relpath(path, root)
            if not os.path.realpath(dest).startswith(os.path.realpath(root)):
                broken.append(f"{rel}:{line}: {link}: outside the book")
            elif not os.path.exists(dest):
                broken.append(f"{rel}:{line}: {link}: no such file")
            elif fragment and dest in pages:
                if urllib.parse.unquote(fragment) not in pages[dest].ids:
                    broken.append(f"{rel}:{line}: {link}: no #{fragment} in {os.path.relpath(dest, root)}")
    return pages, checked, broken


def github_slugs(text):
    slugs, seen = set(), {}
    in_code = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        m = None if in_code else re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if m:
            title = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", lambda g: g.group(1) or "", m.group(1))
            slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            slugs.add(slug if n == 0 else f"{slug}-{n}")
    return slugs


def markdown_links(text):
    in_code = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        line = re.sub(r"`[^`]*`", "", line)
        for m in re.finditer(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)", line):
            yield number, m.group(1)


def check_markdown(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    broken = []
    checked = 0
    for line, link in markdown_links(text):
        if external(link):
            continue
        checked += 1
        target, _, fragment = link.partition("#")
        dest = os.path.normpath(os.path.join(os.path.dirname(path), urllib.parse.unquote(target))) if target else path
        if not os.path.exists(dest):
            broken.append(f"{path}:{line}: {link}: no such file")
        elif fragment and dest.endswith(".md"):
            with open(dest, encoding="utf-8") as fh:
                if fragment not in github_slugs(fh.read()):
                    broken.append(f"{path}:{line}: {link}: no heading #{fragment} in {dest}")
    return checked, broken


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    pages, checked, broken = check_html(argv[1])
    if not pages:
        print(f"check-links: no HTML pages under {argv[1]}", file=sys.stderr)
        return 1
    for md in argv[2:]:
        c, b = check_markdown(md)
        checked += c
        broken += b
    for b in broken:
        print(f"broken link: {b}")
    print(f"check-links: {checked} relative links in {len(pages)} HTML pages and {len(argv) - 2} Markdown "
          f"file(s), {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
