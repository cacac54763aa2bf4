"""The components of the topic designer: typed StreamField blocks, each with its own template."""

from wagtail import blocks


class ContentStreamBlock(blocks.StreamBlock):
    """Every component that can stand on its own (also inside a layout column)."""

    rich_text = blocks.RichTextBlock(label="图文")


class TopicStreamBlock(ContentStreamBlock):
    """What a topic page body holds: the components plus layout rows of two or three columns."""
