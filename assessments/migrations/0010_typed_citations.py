"""Typed, readable citations: what each figure counts, proxies marked, publishers and titles.

Schema: a citation gets its population kind, the proxy mark, a publisher and a title (English
and Chinese) and, for figures the service observes, the number of brands; a context figure gets
a publisher and a title. The old `source` column stays, for admins only: it held internal file
names ("seed 003") that never reach a page, an export or the API again.

Data: the first edition's figures get their kinds (BENCHMARK_FACTS.md says which population each
one describes), its consumer and trade figures used as benchmark shares are marked proxies, and
its sources get the publisher and title readers should see. A published edition is immutable:
this writes only the new columns, by queryset updates on the historical models (which have none
of the models' read-only guard), and leaves every number, key and English text as it was, so no
stored result changes. Rows of other editions that copied these texts (drafts) get the same.
"""

from django.db import migrations, models

# The first edition's source strings (seed/first_edition.json) -> how readers should see them
# (BENCHMARK_FACTS.md, "How to cite them to users").
SOURCES = {
    (
        "L2, Social Platforms study, with figures from L2's Digital IQ Index "
        "(summary article, seed 003)"
    ): {
        "publisher": ("Annex Cloud blog", "Annex Cloud 博客"),
        "title": (
            "Summary of L2's Social Platforms study, with figures from L2's Digital IQ Index "
            "(underlying publisher: L2 Inc.)",
            "L2《社交平台研究》摘要，数据来自 L2 数字 IQ 指数（原始发布方：L2 Inc.）",
        ),
    },
    "Annex Cloud blog on social commerce in China, figures from 2014 (seed 000)": {
        "publisher": ("Annex Cloud blog", "Annex Cloud 博客"),
        "title": (
            "What Western brands can learn from social commerce in China (figures from 2014)",
            "西方品牌可以从中国社交电商学到什么（2014年数据）",
        ),
    },
    'L2 Daily Insights, "China\'s livestream boom: beauty at the vanguard"': {
        "publisher": ("L2 Inc.", "L2 Inc."),
        "title": (
            "L2 Daily Insights: \u201cChina's livestream boom: beauty at the vanguard\u201d",
            "L2 Daily Insights：《中国直播热潮：美妆领跑》",
        ),
    },
    "L2 Digital IQ Index: Beauty China 2017, press release": {
        "publisher": ("L2 Inc.", "L2 Inc."),
        "title": (
            "Digital IQ Index: Beauty China 2017 (press release)",
            "数字 IQ 指数：2017年中国美妆（新闻稿）",
        ),
    },
    "L2 Digital IQ Index methodology": {
        "publisher": ("L2 Inc.", "L2 Inc."),
        "title": ("Digital IQ Index methodology", "数字 IQ 指数方法说明"),
    },
}

# The first edition's citations, by the start of their English statement -> (kind, proxy).
# Proxies: the four benchmark shares that count consumers or marketers, not brands.
KINDS = {
    "All beauty brands in L2's Digital IQ Index": ("brands", False),
    "96% of Personal Care brands": ("brands", False),
    "90% of Watches & Jewelry brands": ("brands", False),
    "Brands are just beginning to experiment": ("brands", False),
    "100% are present on WeChat": ("brands", False),
    "Messaging consumers directly is ubiquitous": ("brands", False),
    "Despite Facebook's acquisition of WhatsApp": ("market", False),
    "WeChat has developed its own payment system": ("brands", False),
    "The gap in social commerce behaviour": ("market", False),
    "31% of WeChat users in China": ("consumers", True),
    "82% of Weibo users": ("consumers", False),
    "Social commerce accounts for just 1.5%": ("sales", False),
    "38% of APAC marketers": ("market", True),
    "69% of Beauty brands": ("brands", False),
    "Live streaming among Beauty brands in China rose": ("brands", False),
    "Live streaming is still in infancy": ("market", False),
    "Most brands are choosing Tmall": ("brands", False),
    "Tmall's own live-stream use by brands": ("brands", False),
    "Once a platform for Key Opinion Leaders": ("consumers", False),
    "Around three-quarters of all internet users in China": ("consumers", True),
    "Less than 20% of US internet users": ("consumers", False),
    "63% agreed": ("consumers", True),
    "First use your digital properties": ("brands", False),
    "Continually using Facebook": ("consumers", False),
    "The best brands will integrate": ("brands", False),
}


def _source_fields(source: dict) -> dict:
    (publisher, publisher_zh), (title, title_zh) = source["publisher"], source["title"]
    return {
        "publisher": publisher,
        "publisher_en": publisher,
        "publisher_zh_hans": publisher_zh,
        "title": title,
        "title_en": title,
        "title_zh_hans": title_zh,
    }


def type_first_edition(apps, schema_editor):
    for name in ("Citation", "HistoricalCitation", "ContextFigure", "HistoricalContextFigure"):
        model = apps.get_model("assessments", name)
        for source, readable in SOURCES.items():
            model.objects.filter(source=source).update(**_source_fields(readable))
    for name in ("Citation", "HistoricalCitation"):
        model = apps.get_model("assessments", name)
        for start, (kind, proxy) in KINDS.items():
            model.objects.filter(statement__startswith=start).update(
                population_kind=kind, is_proxy=proxy
            )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_result_explanation_derived_not_stored"),
    ]

    operations = [
        migrations.AddField(
            model_name="citation",
            name="is_proxy",
            field=models.BooleanField(
                default=False,
                help_text="Not a share of brands, used for want of one: reports say proxy.",
                verbose_name="proxy",
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="observed_brands",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="citation",
            name="population_kind",
            field=models.CharField(
                choices=[
                    ("brands", "Brands (a share of brands or merchants)"),
                    ("sales", "Sales (a share of GMV, orders or stream time)"),
                    ("consumers", "Consumers (shoppers or platform users)"),
                    ("market", "Market (sizes, growth, surveys of the trade)"),
                ],
                default="",
                help_text="What the figure counts. Only a share of brands is '% of brands'.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="publisher",
            field=models.CharField(
                default="",
                help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="publisher_en",
            field=models.CharField(
                default="",
                help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="publisher_zh_hans",
            field=models.CharField(
                default="",
                help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="title",
            field=models.CharField(blank=True, help_text="The study or article.", max_length=300),
        ),
        migrations.AddField(
            model_name="citation",
            name="title_en",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="citation",
            name="title_zh_hans",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="contextfigure",
            name="publisher",
            field=models.CharField(default="", help_text="Who published it.", max_length=200),
        ),
        migrations.AddField(
            model_name="contextfigure",
            name="publisher_en",
            field=models.CharField(
                default="", help_text="Who published it.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="contextfigure",
            name="publisher_zh_hans",
            field=models.CharField(
                default="", help_text="Who published it.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="contextfigure",
            name="title",
            field=models.CharField(blank=True, help_text="The study or article.", max_length=300),
        ),
        migrations.AddField(
            model_name="contextfigure",
            name="title_en",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="contextfigure",
            name="title_zh_hans",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="is_proxy",
            field=models.BooleanField(
                default=False,
                help_text="Not a share of brands, used for want of one: reports say proxy.",
                verbose_name="proxy",
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="observed_brands",
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="population_kind",
            field=models.CharField(
                choices=[
                    ("brands", "Brands (a share of brands or merchants)"),
                    ("sales", "Sales (a share of GMV, orders or stream time)"),
                    ("consumers", "Consumers (shoppers or platform users)"),
                    ("market", "Market (sizes, growth, surveys of the trade)"),
                ],
                default="",
                help_text="What the figure counts. Only a share of brands is '% of brands'.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="publisher",
            field=models.CharField(
                default="",
                help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
                max_length=200,
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="publisher_en",
            field=models.CharField(
                default="",
                help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="publisher_zh_hans",
            field=models.CharField(
                default="",
                help_text="Who published it, as readers know them (e.g. 'L2 Inc.').",
                max_length=200,
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="title",
            field=models.CharField(blank=True, help_text="The study or article.", max_length=300),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="title_en",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalcitation",
            name="title_zh_hans",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalcontextfigure",
            name="publisher",
            field=models.CharField(default="", help_text="Who published it.", max_length=200),
        ),
        migrations.AddField(
            model_name="historicalcontextfigure",
            name="publisher_en",
            field=models.CharField(
                default="", help_text="Who published it.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalcontextfigure",
            name="publisher_zh_hans",
            field=models.CharField(
                default="", help_text="Who published it.", max_length=200, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalcontextfigure",
            name="title",
            field=models.CharField(blank=True, help_text="The study or article.", max_length=300),
        ),
        migrations.AddField(
            model_name="historicalcontextfigure",
            name="title_en",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalcontextfigure",
            name="title_zh_hans",
            field=models.CharField(
                blank=True, help_text="The study or article.", max_length=300, null=True
            ),
        ),
        migrations.AlterField(
            model_name="citation",
            name="source",
            field=models.CharField(blank=True, max_length=300, verbose_name="internal reference"),
        ),
        migrations.AlterField(
            model_name="contextfigure",
            name="source",
            field=models.CharField(blank=True, max_length=300, verbose_name="internal reference"),
        ),
        migrations.AlterField(
            model_name="historicalcitation",
            name="source",
            field=models.CharField(blank=True, max_length=300, verbose_name="internal reference"),
        ),
        migrations.AlterField(
            model_name="historicalcontextfigure",
            name="source",
            field=models.CharField(blank=True, max_length=300, verbose_name="internal reference"),
        ),
        migrations.RunPython(type_first_edition, migrations.RunPython.noop),
    ]
