"""Template helpers of the deck only."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def deck_slides(context, slides, footer):
    """Every slide in its frame (number, section, label for screen readers, footer), its
    content rendered by the slide's template (decks/slides/<kind>.html) with `slide` set.

    The frame is written here rather than in a template loop: it repeats for every slide,
    and build_slides() has escaped its parts already, as the view has the footer.
    """
    engine = context.template.engine
    html = []
    for slide in slides:
        with context.push(slide=slide):
            content = engine.get_template(slide.template).render(context)
        html.append(
            f'\n    <section class="{slide.css_class}" id="slide-{slide.number}" data-number="{slide.number}"'
            f' data-section="{escape(slide.section)}" aria-roledescription="slide" aria-label="{slide.label}">'
            f'\n      <div class="slide-content">\n        {content}\n      </div>'
            f'\n      <footer class="slide-footer">\n        <span>{footer}</span>'
            f'\n        <span class="slide-number">{slide.counter}</span>\n      </footer>\n    </section>\n    '
        )
    return mark_safe("".join(html))  # noqa: S308 - every part escaped


@register.filter
def initials(name):
    """"René Donner" -> "RD": shown in place of a missing photo."""
    words = [word for word in (name or "").split() if word[:1].isalpha()]
    if not words:
        return ""
    picked = words if len(words) == 1 else [words[0], words[-1]]
    return "".join(word[0] for word in picked).upper()


@register.filter
def speaker_line(speakers):
    """"Christoph Bonitz, Njinn Technologies; René Donner": speakers (decks.queries.Speaker) with
    their affiliation at the time."""
    return "; ".join(
        f"{speaker.name}, {speaker.affiliation}" if speaker.affiliation else speaker.name for speaker in speakers
    )


@register.filter
def display_url(url):
    """A URL as people type it: without "https://", "www." and a trailing slash.

    Long ones may wrap after a slash (<wbr>), never in the middle of a word.
    """
    text = (url or "").removeprefix("https://").removeprefix("http://").removeprefix("www.").rstrip("/")
    return mark_safe(escape(text).replace("/", "/<wbr>"))  # noqa: S308 - escaped just before
