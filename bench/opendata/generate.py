"""A deterministic, real-looking CSV for the open data benchmark: social assistance payments by town.

    .venv/bin/python bench/opendata/generate.py out.csv [--rows 1000000]

Columns: 区县, 乡镇, 日期 (2021–2025), 类别 (12 kinds of assistance), 项目 (year, kind and batch), 金额 (two
decimals), 人数, 是否公开 (是/否). The same row count always gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import random
from datetime import date, timedelta
from pathlib import Path

TOWNS = {
    "沭阳县": [
        "沭城街道",
        "南湖街道",
        "章集街道",
        "梦溪街道",
        "十字街道",
        "马厂镇",
        "胡集镇",
        "韩山镇",
        "钱集镇",
        "吴集镇",
    ],
    "泗阳县": [
        "众兴街道",
        "来安街道",
        "爱园镇",
        "王集镇",
        "裴圩镇",
        "新袁镇",
        "李口镇",
        "临河镇",
        "穿城镇",
        "张家圩镇",
    ],
    "泗洪县": [
        "青阳街道",
        "大楼街道",
        "双沟镇",
        "上塘镇",
        "魏营镇",
        "瑶沟乡",
        "石集乡",
        "城头乡",
        "孙园镇",
        "梅花镇",
    ],
    "宿城区": [
        "幸福街道",
        "项里街道",
        "河滨街道",
        "古城街道",
        "蔡集镇",
        "王官集镇",
        "耿车镇",
        "埠子镇",
        "龙河镇",
        "洋北镇",
    ],
    "宿豫区": [
        "顺河街道",
        "下相街道",
        "豫新街道",
        "大兴镇",
        "来龙镇",
        "陆集镇",
        "丁嘴镇",
        "曹集乡",
        "关庙镇",
        "新庄镇",
    ],
    "宿迁经济技术开发区": ["古楚街道", "三棵树街道", "南蔡乡"],
    "湖滨新区": ["井头街道", "晓店街道", "皂河镇"],
    "洋河新区": ["洋河镇", "仓集镇", "郑楼镇"],
    "苏宿工业园区": ["运河街道"],
}
CATEGORIES = [
    "最低生活保障",
    "特困人员供养",
    "临时救助",
    "医疗救助",
    "教育救助",
    "住房救助",
    "就业救助",
    "受灾人员救助",
    "残疾人两项补贴",
    "高龄津贴",
    "孤儿基本生活费",
    "困境儿童生活补贴",
]
HEADER = ["区县", "乡镇", "日期", "类别", "项目", "金额", "人数", "是否公开"]
START = date(2021, 1, 1)
DAYS = (date(2025, 12, 31) - START).days + 1


def rows(count: int, seed: int = 20260105):
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    districts = list(TOWNS)
    weights = [len(TOWNS[d]) for d in districts]
    for _ in range(count):
        district = rng.choices(districts, weights)[0]
        town = rng.choice(TOWNS[district])
        day = START + timedelta(days=rng.randrange(DAYS))
        category = rng.choice(CATEGORIES)
        people = min(50, int(rng.expovariate(1 / 6)) + 1)
        amount = round(rng.lognormvariate(6.3, 0.9) * (1 + people / 10), 2)
        yield [
            district,
            town,
            day.isoformat(),
            category,
            f"{day.year}年{category}第{rng.randint(1, 40)}批",
            f"{amount:.2f}",
            people,
            "否" if rng.random() < 0.1 else "是",
        ]


def write_csv(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(rows(count))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    write_csv(args.out, args.rows)
