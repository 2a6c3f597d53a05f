"""News pages: posts, the news index, categories, year archives, Q&A."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from cchc.render.cards import Card
from cchc.site.content import Content
from cchc.news.model import Post
from cchc.page.spec import PageSpec
from cchc.page.pagination import paginate
from cchc.page.share import HOME, Share, card_url, with_card
from cchc.page.site_share import SITE_CARD_URL, site_share
from cchc.page.structured_data import breadcrumbs, news_article

NEWS_BASE = "tin-tuc/"
RELATED_COUNT = 3
HOME_CHANGES = 5


NEWS_CRUMB = ("Tin tức", NEWS_BASE)


def plan_news_pages(content: Content) -> list[PageSpec]:
    settings = content.settings
    specs = list(_post_pages(content))
    specs += _listing(
        content, NEWS_BASE, "Tin tức", content.posts, settings.per_page, kind="news",
        description="Tin hoạt động cải cách hành chính của " + settings.department["name"] + ".",
        in_nav=True, years=list(content.by_year), crumbs=(NEWS_CRUMB,),
    )
    for category in content.categories:
        card = Card(title=category.name, eyebrow="Chuyên mục tin", footer=settings.department["name"],
                    detail=category.description)
        specs += _listing(
            content, category.url, category.name, content.by_category[category.slug], settings.per_page,
            kind="category", category=category, description=category.description, card=card,
            crumbs=(NEWS_CRUMB, (category.name, category.url)),
            feed=(f"Tin {category.name}", category_feed_url(category)),
        )
    for year, posts in content.by_year.items():
        specs += _listing(
            content, f"{NEWS_BASE}{year}/", f"Tin tức năm {year}", posts, settings.archive_per_page,
            kind="archive", year=year, years=list(content.by_year),
            description=f"Tất cả tin bài đăng trong năm {year}.",
            crumbs=(NEWS_CRUMB, (str(year), f"{NEWS_BASE}{year}/")),
        )
    specs.append(_qa_page(content))
    return specs


def category_feed_url(category) -> str:
    return f"{category.url}feed.xml"


def home_context(content: Content) -> dict[str, Any]:
    return {
        "latest": content.posts[: content.settings.home_count],
        "categories": [(c, len(content.by_category[c.slug])) for c in content.categories],
        "years": list(content.by_year),
        "changes": content.changes[:HOME_CHANGES],
    }


def _post_share(post: Post, settings) -> Share:
    crumbs = (HOME, NEWS_CRUMB, (post.category.name, post.category.url), (post.title, post.url))
    common = dict(title=post.title, description=post.summary, og_type="article", published=post.date,
                  modified=post.updated or post.date, section=post.category.name, breadcrumbs=crumbs)
    if post.image:
        share = Share(url=post.url, image=post.image, image_size=post.image_size, image_alt=post.image_alt,
                      image_type="image/png" if post.image.endswith(".png") else
                      "image/webp" if post.image.endswith(".webp") else "image/jpeg", **common)
    else:
        card = Card(title=post.title, eyebrow=post.category.name, footer=settings.department["name"],
                    detail=post.date_vn)
        share = with_card(post.url, card, **common)
    return replace(share, structured=(news_article(post, settings, share.image), breadcrumbs(crumbs, settings)))


def _post_pages(content: Content):
    posts = content.posts
    for index, post in enumerate(posts):
        siblings = content.by_category[post.category.slug]
        yield PageSpec(
            src_uri=post.src_uri,
            title=post.title,
            template="post.html",
            searchable=True,
            reusable_render=True,
            markdown=post.body,
            description=post.summary,
            share=_post_share(post, content.settings),
            context={
                "post": post,
                # Newest first: the newer post precedes this one in the list.
                "newer": posts[index - 1] if index > 0 else None,
                "older": posts[index + 1] if index + 1 < len(posts) else None,
                "related": _related(post, siblings),
            },
        )


def _related(post: Post, siblings: list[Post]) -> list[Post]:
    # Posts of the same category, never the post itself; siblings are
    # newest first, so this is a bounded scan, not a search of all posts.
    out = []
    for other in siblings:
        if other is not post:
            out.append(other)
            if len(out) == RELATED_COUNT:
                break
    return out


def _listing(content: Content, base: str, title: str, posts: list[Post], per_page: int, *, kind: str,
             description: str = "", in_nav: bool = False, card: Card | None = None,
             crumbs: tuple = (), feed: tuple[str, str] | None = None, **extra: Any) -> list[PageSpec]:
    settings = content.settings
    specs = []
    for pager in paginate(base, posts, per_page):
        page_title = title if pager.number == 1 else f"{title} – trang {pager.number}"
        # Every page of a listing shares the first page's card.
        share = site_share(settings, pager.url, page_title, description or title, crumbs,
                           image=card_url(base) if card else SITE_CARD_URL)
        if card and pager.number == 1:
            share = replace(share, card=card)
        specs.append(PageSpec(
            src_uri=pager.src_uri,
            title=page_title,
            template="listing.html",
            description=description,
            in_nav=in_nav and pager.number == 1,
            share=replace(share, feed=feed),
            context={"kind": kind, "heading": title, "pager": pager, "description": description, **extra},
        ))
    return specs


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|])")


def _escape(text: str) -> str:
    """Editors' questions are plain text, even inside a Markdown heading."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _qa_page(content: Content) -> PageSpec:
    topics: dict[str, list] = {}
    for item in content.qa:
        topics.setdefault(item.topic or "Câu hỏi khác", []).append(item)
    parts = []
    for topic, items in topics.items():
        if len(topics) > 1:
            parts.append(f"## {_escape(topic)}\n")
        for item in items:
            parts.append(f"### {_escape(item.question)}\n\n{item.answer}\n")
    if not parts:
        parts.append("Chưa có câu hỏi nào.\n")
    return PageSpec(
        src_uri="hoi-dap/index.md",
        title="Hỏi – đáp",
        template="qa.html",
        searchable=True,
        markdown="\n".join(parts),
        description="Giải đáp những câu hỏi thường gặp về thủ tục hành chính và dịch vụ công trực tuyến.",
        in_nav=True,
        share=site_share(content.settings, "hoi-dap/", "Hỏi – đáp",
                         "Giải đáp những câu hỏi thường gặp về thủ tục hành chính và dịch vụ công trực tuyến.",
                         (("Hỏi – đáp", "hoi-dap/"),)),
        context={"count": len(content.qa)},
    )
