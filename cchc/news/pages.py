"""News pages: posts, the news index, categories, year archives, questions and answers."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from cchc.core import layout
from cchc.core.settings import Settings
from cchc.news.model import Category, News, Post
from cchc.page.pagination import paginate
from cchc.page.share import HOME, SITE_CARD_URL, Crumbs, Share, named_title, site_share, with_card
from cchc.page.spec import PageSpec
from cchc.page.structured_data import breadcrumbs, organization
from cchc.render.cards import Card

RELATED_COUNT = 3
NEWS_CRUMB = ("Tin tức", layout.NEWS)
QA_DESCRIPTION = "Giải đáp những câu hỏi thường gặp về thủ tục hành chính và dịch vụ công trực tuyến."


def plan(news: News, settings: Settings, memo: dict | None = None) -> list[PageSpec]:
    """Every news page. ``memo`` (a preview's, kept between its builds for one ``settings``): a post's
    page is planned again only when the post, its neighbours or its related posts are other objects
    than last time (the loader hands back the same object for an unchanged file)."""
    if memo is None:
        specs = [_post_page(news, index, settings) for index in range(len(news.posts))]
    else:
        kept, memo[_POST_PAGES] = memo.get(_POST_PAGES, {}), {}
        specs = [_kept_post_page(news, index, settings, kept, memo[_POST_PAGES]) for index in range(len(news.posts))]
    specs += _listing(
        settings, layout.NEWS, "Tin tức", news.posts, settings.per_page, kind="news",
        description=f"Tin hoạt động cải cách hành chính của {settings.department.name}.",
        in_nav=True, years=list(news.by_year), crumbs=(NEWS_CRUMB,),
    )
    for category in news.categories:
        specs += _category_pages(news, category, settings)
    for year, posts in news.by_year.items():
        url = layout.YEAR_URL.format(year=year)
        specs += _listing(
            settings, url, f"Tin tức năm {year}", posts, settings.archive_per_page,
            kind="archive", year=year, years=list(news.by_year),
            description=f"Tất cả tin bài đăng trong năm {year}.", crumbs=(NEWS_CRUMB, (str(year), url)),
        )
    specs.append(_qa_page(news, settings))
    return specs


_POST_PAGES = "post pages"  # memo: src_uri → (what the page is made of, its PageSpec)


def _kept_post_page(news: News, index: int, settings: Settings, kept: dict, now: dict) -> PageSpec:
    posts, post = news.posts, news.posts[index]
    inputs = (post, posts[index - 1] if index > 0 else None, posts[index + 1] if index + 1 < len(posts) else None,
              *_related(post, news.by_category[post.category.slug]))
    before = kept.get(post.src_uri)
    if before is not None and len(before[0]) == len(inputs) and all(a is b for a, b in zip(before[0], inputs, strict=True)):
        spec = before[1]
    else:
        spec = _post_page(news, index, settings)
    now[post.src_uri] = (inputs, spec)
    return spec


def _post_page(news: News, index: int, settings: Settings) -> PageSpec:
    posts, post = news.posts, news.posts[index]
    return PageSpec(
        src_uri=post.src_uri,
        title=post.title,
        template="post.html",
        searchable=True,
        reusable_render=True,
        markdown=post.body,
        description=post.summary,
        share=_post_share(post, settings),
        context={
            "post": post,
            # Newest first: the newer post precedes this one in the list.
            "newer": posts[index - 1] if index > 0 else None,
            "older": posts[index + 1] if index + 1 < len(posts) else None,
            "related": _related(post, news.by_category[post.category.slug]),
        },
    )


def _post_share(post: Post, settings: Settings) -> Share:
    crumbs = (HOME, NEWS_CRUMB, (post.category.name, post.category.url), (post.title, post.url))
    common = dict(title=post.title, description=post.summary, og_type="article", published=post.date,
                  modified=post.updated or post.date, section=post.category.name, breadcrumbs=crumbs)
    if post.image:
        share = Share(url=post.url, image=post.image, image_size=post.image_size, image_alt=post.image_alt,
                      image_type="image/png" if post.image.endswith(".png") else
                      "image/webp" if post.image.endswith(".webp") else "image/jpeg", **common)
    else:
        card = Card(title=post.title, eyebrow=post.category.name, footer=settings.department.name,
                    detail=post.date_vn)
        share = with_card(post.url, card, **common)
    return replace(share, structured=(news_article(post, settings, share.image), breadcrumbs(crumbs, settings)))


def news_article(post: Post, settings: Settings, image: str) -> dict[str, Any]:
    """The post as schema.org's NewsArticle."""
    site = settings.site
    publisher = organization(settings)
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": post.title,
        "description": post.summary,
        "datePublished": post.date.isoformat(),
        "dateModified": (post.updated or post.date).isoformat(),
        "image": [site + image],
        "articleSection": post.category.name,
        "keywords": post.tags,
        "inLanguage": "vi",
        "mainEntityOfPage": site + post.url,
        "author": {"@type": "Organization", "name": post.author or publisher["name"]},
        "publisher": {key: publisher[key] for key in ("@type", "name", "url", "logo")},
    }


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


def _category_pages(news: News, category: Category, settings: Settings) -> list[PageSpec]:
    card = Card(title=category.name, eyebrow="Chuyên mục tin", footer=settings.department.name,
                detail=category.description)
    specs = _listing(
        settings, category.url, category.name, news.by_category[category.slug], settings.per_page,
        kind="category", category=category, description=category.description, card=card,
        crumbs=(NEWS_CRUMB, (category.name, category.url)),
        feed=(f"Tin {category.name}", layout.feed_url(category.url)),
    )
    # Shared, a category is news of the department: "Tin Chuyển đổi số – Sở Y tế tỉnh …".
    return [replace(spec, share=replace(spec.share, title=named_title(_news_of(spec.title), settings)))
            for spec in specs]


def _news_of(title: str) -> str:
    return title if title.casefold().startswith("tin ") else f"Tin {title}"


def _listing(settings: Settings, base: str, title: str, posts: list[Post], per_page: int, *, kind: str,
             description: str = "", in_nav: bool = False, card: Card | None = None,
             crumbs: Crumbs = (), feed: tuple[str, str] | None = None, **extra: Any) -> list[PageSpec]:
    specs = []
    for pager in paginate(base, posts, per_page):
        page_title = title if pager.number == 1 else f"{title} – trang {pager.number}"
        # Every page of a listing shares the first page's card.
        share = site_share(settings, pager.url, page_title, description or title, crumbs,
                           image=layout.card_url(base) if card else SITE_CARD_URL)
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


def _qa_page(news: News, settings: Settings) -> PageSpec:
    topics: dict[str, list] = {}
    for item in news.qa:
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
        src_uri=layout.index_source(layout.QA),
        title="Hỏi – đáp",
        template="qa.html",
        searchable=True,
        markdown="\n".join(parts),
        description=QA_DESCRIPTION,
        in_nav=True,
        share=site_share(settings, layout.QA, "Hỏi – đáp", QA_DESCRIPTION, (("Hỏi – đáp", layout.QA),)),
        context={"count": len(news.qa)},
    )
