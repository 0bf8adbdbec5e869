"""What the demo company says: archetype shares, events driving texts and ratings, PII, bad rows."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pandas as pd

LATE_WORDS = re.compile(r"迟到|晚了|晚到|来晚|不太准时|不守时|等了好久|时间观念比较差")
ATTITUDE_WORDS = re.compile(r"态度很差|态度恶劣|说话很冲|爱答不理|甩脸色|不耐烦|玩手机|刷抖音"
                            r"|小费|辛苦费|敷衍|嫌麻烦|顶嘴")
SKILL_WORDS = re.compile(r"没擦干净|还是脏|水渍|没打扫|没刷干净|打碎|摔碎|弄坏|划了"
                         r"|太咸|不对|不专业|漏水|没修好|粗鲁|呛到")
PHONE = re.compile(r"1[3-9]\d{9}|1[3-9]\d \d{4} \d{4}")


def late_minutes(orders: pd.DataFrame) -> pd.Series:
    return (orders["actual_arrival"] - orders["scheduled_start"]).dt.total_seconds() / 60


def reviews_with_orders(company) -> pd.DataFrame:
    orders = company.tables["orders"].assign(late=lambda o: late_minutes(o) > 10)
    latent = company.tables["worker_latent_quality"]
    reviews = company.tables["reviews"].merge(orders[["order_id", "late", "status", "actual_arrival"]], on="order_id")
    return reviews.merge(latent, on="worker_id")


def test_archetype_groups_and_latent_quality(company) -> None:
    latent = company.tables["worker_latent_quality"]
    counts = latent["archetype"].value_counts().to_dict()
    assert len(latent) == 200
    assert counts == {"good": 60, "average": 52, "star": 20, "new": 20, "late": 16, "rude": 16, "unskilled": 16}
    aspects = latent[["punctuality", "attitude", "skill", "overall"]]
    assert ((aspects >= 0) & (aspects <= 1)).all().all()
    mean = 0.30 * latent["punctuality"] + 0.35 * latent["attitude"] + 0.35 * latent["skill"]
    weakest = latent[["punctuality", "attitude", "skill"]].min(axis=1)
    assert ((0.6 * mean + 0.4 * weakest) - latent["overall"]).abs().max() < 1e-3
    by_group = latent.groupby("archetype")[["punctuality", "attitude", "skill"]].mean()
    assert by_group.loc["late", "punctuality"] < 0.35 and by_group.loc["rude", "attitude"] < 0.35
    assert by_group.loc["unskilled", "skill"] < 0.35 and (by_group.loc["star"] > 0.85).all()


def test_most_workers_have_enough_recent_orders(company) -> None:
    orders = company.tables["orders"]
    recent = orders[orders["scheduled_start"] >= datetime(2026, 11, 8)]
    per_worker = recent.groupby("worker_id").size().reindex(company.tables["workers"]["worker_id"], fill_value=0)
    assert (per_worker >= 10).mean() >= 0.9
    daily = orders.groupby([orders["worker_id"], orders["scheduled_start"].dt.date]).size()
    assert daily.max() <= 2


def test_orders_follow_punctuality_and_skill(company) -> None:
    orders = company.tables["orders"].merge(company.tables["worker_latent_quality"], on="worker_id")
    shown = orders[orders["status"] == "completed"]
    late_share = (late_minutes(shown) > 10).groupby(shown["archetype"]).mean()
    assert late_share["late"] > 0.35 and late_share[["star", "good"]].max() < 0.05
    late_by = late_minutes(shown[shown["archetype"] == "late"])
    assert late_by[late_by > 10].between(20, 91).all()
    no_show = orders[orders["status"] == "no_show"]
    assert no_show["actual_arrival"].isna().all() and len(no_show) > 0
    assert no_show["archetype"].isin(["late", "average", "new"]).mean() > 0.6
    rework = orders.groupby("archetype")["rework"].mean()
    assert rework["unskilled"] > 3 * rework["star"]


def test_review_share_and_timing(company) -> None:
    reviews = reviews_with_orders(company)
    orders = company.tables["orders"]
    assert 0.5 < reviews["status"].eq("completed").sum() / orders["status"].eq("completed").sum() < 0.7
    normal = reviews[reviews["created_at"] <= datetime(2026, 11, 21, 23, 59, 59)]
    started = orders.set_index("order_id").loc[normal["order_id"], "scheduled_start"].to_numpy()
    gap_days = (normal["created_at"].dt.normalize().to_numpy() - pd.to_datetime(started).normalize()).days
    assert set(gap_days) <= {0, 1}


def test_texts_reflect_what_happened(company) -> None:
    reviews = reviews_with_orders(company)
    shown = reviews[reviews["actual_arrival"].notna()]
    late_rate = shown.loc[shown["late"], "text"].str.contains(LATE_WORDS).mean()
    on_time_rate = shown.loc[~shown["late"], "text"].str.contains(LATE_WORDS).mean()
    assert late_rate > 0.5 and late_rate > 4 * on_time_rate
    assert shown["text"].str.contains(r"(?:迟到|晚了)\d+分钟").any()
    by_group = reviews.groupby("archetype")["text"]
    attitude = by_group.apply(lambda t: t.str.contains(ATTITUDE_WORDS).mean())
    skill = by_group.apply(lambda t: t.str.contains(SKILL_WORDS).mean())
    assert attitude["rude"] > 3 * attitude[["star", "good"]].max()
    assert skill["unskilled"] > 3 * skill[["star", "good"]].max()
    assert reviews["text"].str.contains("一点都不耐烦|没有迟到|一点都没迟到").any()


def test_ratings_follow_quality_noisily(company) -> None:
    reviews = reviews_with_orders(company)
    valid = reviews[reviews["rating"].between(1, 5)]
    means = valid.groupby("archetype")["rating"].mean()
    assert means["star"] > means["good"] > means["average"] > means[["late", "rude", "unskilled"]].max()
    assert valid.groupby("archetype")["rating"].nunique().min() >= 4
    problem = valid["text"].str.contains(LATE_WORDS) | valid["text"].str.contains(ATTITUDE_WORDS)
    assert valid.loc[problem, "rating"].mean() < valid.loc[~problem, "rating"].mean() - 0.7


def test_ratings_carry_enough_signal_for_the_truth_test(company) -> None:
    """Mean stars over the last 14 days alone already rank workers close to their hidden quality."""
    reviews = reviews_with_orders(company)
    recent = reviews[(reviews["created_at"] >= datetime(2026, 11, 8)) & reviews["rating"].between(1, 5)]
    per_worker = recent.groupby("worker_id").agg(stars=("rating", "mean"), overall=("overall", "first"))
    assert per_worker["stars"].corr(per_worker["overall"], method="spearman") > 0.85


def test_texts_are_varied_and_realistic(company) -> None:
    texts = company.tables["reviews"]["text"]
    assert texts.nunique() / len(texts) > 0.7
    lengths = texts.str.len()
    assert lengths.quantile(0.1) <= 6 and lengths.quantile(0.95) >= 35
    assert texts.str.contains(r"[\U0001F300-\U0001FAFF]").mean() > 0.1
    assert texts.str.contains("阿yi|干尽|太度|淮时|灰常|满义|不措").any()
    agent = company.tables["complaints"]["agent_text"]
    assert agent.str.startswith("客户").mean() > 0.5 and agent.nunique() / len(agent) > 0.9


def test_some_texts_carry_personal_data(company) -> None:
    reviews, complaints = company.tables["reviews"]["text"], company.tables["complaints"]["agent_text"]
    phone_share = reviews.str.contains(PHONE).mean()
    assert 0.01 < phone_share < 0.15
    assert reviews.str.contains(r"\d+栋\d+单元").any() and reviews.str.contains("女士|先生|小姐").any()
    assert complaints.str.contains(PHONE).any()


def test_complaints_share_timing_and_duplicates(company) -> None:
    complaints, orders = company.tables["complaints"], company.tables["orders"]
    assert 0.06 <= len(complaints) / len(orders) <= 0.10
    latent = company.tables["worker_latent_quality"].set_index("worker_id")["archetype"]
    per_order = complaints["worker_id"].map(latent).value_counts() / orders["worker_id"].map(latent).value_counts()
    assert per_order[["late", "rude", "unskilled"]].min() > 2 * per_order["star"]
    responded = complaints.dropna(subset=["first_response_at"])
    assert ((responded["first_response_at"] - responded["created_at"]) <= timedelta(minutes=30)).mean() > 0.7
    assert complaints["resolved_at"].isna().any() and complaints["agent_category"].isna().any()
    assert complaints["agent_category"].dropna().isin(["attitude", "skill", "logistics", "other"]).all()
    pairs = complaints.merge(complaints, on="order_id")
    pairs = pairs[(pairs["complaint_id_x"] < pairs["complaint_id_y"]) & (pairs["channel_x"] != pairs["channel_y"])]
    assert len(pairs) >= 10
    assert ((pairs["created_at_y"] - pairs["created_at_x"]).abs() <= timedelta(minutes=90)).all()
    assert (pairs["agent_text_x"] != pairs["agent_text_y"]).all()


def test_bad_rows_are_a_small_even_share(company) -> None:
    reviews, complaints = company.tables["reviews"], company.tables["complaints"]
    known = set(company.tables["workers"]["worker_id"])
    end = datetime(2026, 11, 21, 23, 59, 59)
    bad_review = (reviews["text"].str.strip().eq("") | ~reviews["rating"].between(1, 5)
                  | ~reviews["worker_id"].isin(known) | (reviews["created_at"] > end)
                  | reviews.duplicated(["order_id", "text"], keep="first"))
    bad_complaint = (complaints["agent_text"].str.strip().eq("") | ~complaints["worker_id"].isin(known)
                     | (complaints["resolved_at"] < complaints["created_at"]))
    share = (bad_review.sum() + bad_complaint.sum()) / (len(reviews) + len(complaints))
    assert 0.008 <= share <= 0.02
    assert set(reviews.loc[~reviews["rating"].between(1, 5), "rating"]) == {0, 6}
    day = pd.concat([reviews["created_at"], complaints["created_at"]]).dt.date
    bad = pd.concat([bad_review, bad_complaint])
    per_day = bad.groupby(day.to_numpy()).mean()
    assert per_day[per_day.index <= end.date()].max() <= 0.04
    assert (complaints["created_at"] <= end).all() and (company.tables["orders"]["scheduled_start"] <= end).all()
