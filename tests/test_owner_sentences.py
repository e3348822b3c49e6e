"""The reader against owners' messages written fresh by someone who had read neither the code nor any case
(``tests/data/owner_sentences.yaml``: what a careful reader takes from each, and what must not be read). One
parametrised test per message; the messages the reader still misreads are listed here as strict expected failures,
so a fix shows as XPASS (and then leaves the list) and a regression fails. The held-out file of the same kind
(``evals/cases/owner_sentences_holdout.yaml``) is only reported (``python -m evals sentences``), never tested."""
from __future__ import annotations

import pytest

from conftest import interviewed

from advisor.config import PROJECT_ROOT
from evals.sentences import judge, load, score

SENTENCES = load(PROJECT_ROOT / "tests" / "data" / "owner_sentences.yaml")
# misread today (positions in the file): dialect magnitudes (廿几), people said as names ("我跟我老公"), a sum
# of parts never said, a plan said without a plan word, a head office's system, a budget said with 使
STILL_MISREAD = {3, 11, 14, 17, 22, 48, 67, 77, 85, 86, 124, 125, 126, 129, 142, 163, 178,
                 253, 261, 343, 370, 378, 422, 455, 470, 474, 475, 523, 524, 528, 540, 559, 571, 573,
                 586, 587, 588, 610, 617, 619, 644, 662, 663, 710, 731, 735, 736,
                 764, 766, 767, 768, 769, 772, 779, 781, 782, 783, 788, 791, 824, 825, 831, 843, 854,
                 865, 875, 884, 889, 891, 892}
# 865-892 (stop 63 review): a side job said as helping (出纳顺手帮着弄弄) after none dedicated; a negated 把 whose
# object is a pronoun for a system named before (没把它推下去); clerks counted as part-timers (两个文员兼职管MES);
# 'never match between' read as a link; a brand in English (Fxiaoke); 'never been connected' after 'both running'
# 824-854 (stop 62 review): the boss leading in person something that is not the work (销售, 催账, production
# planning); 他 after a sentence that named the boss's nephew; an English idle word beyond the window ("just sits there")
# 764-791 (stop 61 review): a plan said after the lead's agent (刘姐管着呢，书面计划倒是有一份) or a lead said after the
# plan, with the work unnamed; "在 push" in English; a deputy's lead of another project when asked who leads (质量整改,
# 环保验收); "keeps the PCs running"; an echoed system's later no said with more words (没几个人打开, 压根不登), "Bought
# it", 早装了, 弄了; a system idle a year, then in use, or first idle then in use again
# 710, 731, 735, 736 (stop 60 review): the learned statuses read a former post as a lead ("我原来是车间组长，后来自己出来
# 开厂"); an English trade glossed 洗衣 where the reader wrote 洗涤; a licence that falls due next year is read as a
# system wanted, not one in use ("ERP的授权明年三月到期，到时候续上"), and one renewed says nothing
# 644 (stop 59): a time word before the handing ("后来全权交由…") keeps the clause from saying only who; 662, 663
# (stop 59 review): a system set off by its particle, then a salesman's pitch or a neighbour's plant, is read as ours
# 559 (stop 58): an English count with no person noun ("One network admin") is not read, so the sum after it has
# nothing to sum; 571, 573, 586-588 (stop 58 review): a deputy leads a project named after 牵头的是 and "系统这块没人专门管"
# is read as nobody leading (the writer reads no fact); the boss 挂帅的是 something else; English people listed by name
# then summed; Cantonese names joined by 同 then 加埋我; doers of the IT's chores said with 整 then summed
# 610, 617, 619 (stop 58 second review): the whole said in Cantonese (成个厂计落, 计埋…成个厂); "a third" in English
# words after a part that is all connected
# 523, 524, 528, 540 (stop 57 review): 领着整 (a lead verb then the work's verb); consultants hired "帮手搞" with no
# time of one's own; "给他们配套做…" (给他们 is read as another's trade); IT people said by name (小李管网络); 546
# ("plus one who looks after the website") is read right since stop 61 adds one more
# 455, 470, 474, 475 (stop 56 review): groups joined by 加 after 正式的就; a full-time IT person and a storekeeper who
# helps; "没人整得明白" (整 is no tending verb); 娃娃 as people; 473 ("plus one part-timer who handles the network") is
# read right since stop 61 adds one more said after the IT people were counted
# 422 ("不用说，肯定得重复录": asked about integration, re-keying with no system named is not read as a no)
# 378 ("老板娘天天在用她的CRM跟客户": her system beside customers is read as someone else's)
# 370 ("电脑嘢我唔理，全部系我个女喺度搞": the work named in the clause before the agent is not carried over); 8
# ("莫得好多人，连老板娘一起十八个") is read right since a group joined into one count is the total
# 343 ("外面请的老师……，他们现在天天用MES": "they" after an outsider in the clause before is taken as the outsider's;
# tying it to firms only cost the sealed owners a reading of systems in use, 0.821 -> 0.812); 230 is read right since "they" is tied to an outside firm named beside it (stop 40); 253 (管种和收: a trade verb's
# object after another verb), 261 (the status classifier reads 不怎么在意花多少钱 as the boss leaving it)
# 94, 102, 103 and 109 are read right since the status classifier's second look at systems; 80 again since that look
# leaves a system used as said before its name ("就用X，别的没有"); 69 since a use said after the name stands
# 163 ("我家老大在管这块": the eldest child, or the boss in slang) was read by the classifier alone; a fourth writer's
# sentences moved it below the bar; 178 (another firm's clause carried on without a pronoun) since the second reader's
# mends: the carry-over now needs a clause led by he/they (a subject left out was taken as the other firm's)
# 271 (另外还有一个做网站的实习生: one more counted with a role the person words do not know)
# 98 ("纸质单据…就取消了") since paper named and then said to be gone is a no (stop 36)
# 51 ("生产线大部分都联网了") since 部分 inside a share of all is no part (stop 52)


@pytest.mark.parametrize("index", [
    pytest.param(i, marks=pytest.mark.xfail(strict=True, reason="still misread")) if i in STILL_MISREAD else i
    for i in range(len(SENTENCES))])
def test_a_fresh_owner_sentence_is_read_as_a_careful_reader_reads_it(index):
    counts, wrong = judge(SENTENCES[index])
    assert not wrong, f"{SENTENCES[index].text}: {wrong}"


def test_the_table_as_a_whole_stays_above_its_figures():
    result = score(SENTENCES)
    assert result["precision"] >= 0.92 and result["recall"] >= 0.82, result


_interview = interviewed


# --- what a new owner typed in the browser and the reader got wrong (issue 21), each in a fresh wording ------------
def test_a_part_of_a_whole_is_the_networked_share():
    assert _interview("冲压车间机器一共八十台，联网的大概二十台").state.profile.get("equipment_networked_pct") == 25.0


def test_a_bare_correction_puts_the_last_number_right():
    iv = _interview("注塑机一共四十台，联上网的有十台", "刚才说错了，是八台")
    assert iv.state.profile.get("equipment_networked_pct") == 20.0


def test_a_correction_outranks_the_explanation_in_the_same_message():
    iv = _interview("系统之间是打通的。", "不对，系统之间根本没打通，只是开票软件自带数据接口。")
    assert iv.state.profile.get("integration") is False


def test_a_revenue_with_about_is_no_trend():
    iv = _interview("前年营业额差不多六千万吧")
    assert iv.state.profile.get("revenue_wan") == 6000 and iv.state.profile.get("revenue_trend") is None


@pytest.mark.parametrize("text,key,value", [
    ("Our IT budget is roughly 120,000 RMB a year.", "digital_budget_wan", 12.0),
    ("We're a 40-person design studio in Suzhou.", "employees", 40),
    ("We bought a CRM two years ago but nobody really uses it.", "system.crm", False),
])
def test_english_numbers_and_pronouns(text, key, value):
    profile = _interview(text).state.profile
    assert profile.get(key) == value
    assert profile.get("digital_staff") is None  # "it" is not IT staff


def test_an_echoed_topic_carries_into_a_bare_answer():
    profile = _interview("CRM？没有。MES：也没。联网？没有的事。").state.profile
    assert profile.get("system.crm") is False and profile.get("system.mes") is False
    assert profile.get("equipment_networked_pct") == 0.0


def test_the_owners_own_target_becomes_a_goal_of_the_pilot():
    from advisor.diagnosis.planning import build_plan
    iv = _interview("我们做五金冲压件，八十来个人，订单全靠Excel排。", "按时交货率现在七成五，想提到九成。")
    target = iv.state.profile.get("owner_targets")
    assert target == [{"metric": "按时交货率", "now": 75.0, "target": 90.0, "unit": "%"}]
    plan = build_plan(iv.assess(), iv.state.profile)
    goal = plan.stages[0].goals[0]
    assert (goal.baseline, goal.target) == ("75%", "90%") and "七成五" in goal.evidence


# --- money by construction (issue 21, item 2), sentences written for this test -------------------------------------
@pytest.mark.parametrize("turns,revenue", [
    (["去年开票两亿三千万左右。"], 23000),  # 亿 then 万: one amount
    (["营业额一千二百来万，这一行毛利低，也就一百来万。"], 1200),  # the profit's frame is in the clause before
    (["批发那边一千五百万，门店零售八百来万，合计两千三左右。"], 2300),  # a bare total after its parts, in their 万
])
def test_money_by_its_frame_and_its_parts(turns, revenue):
    profile = _interview(*turns).state.profile
    assert profile.get("revenue_wan") == revenue
    assert profile.get("employees") is None  # "合计两千三" sums money, not people


@pytest.mark.parametrize("text,employees", [
    ("厂里一共两百四十人上下，冲压一百八，模具、质检、仓库加起来三十来个。", 240),  # groups summed after the total
    ("车间一百人，技术和办公室加起来二十个。", 120),  # no total said: the groups add up
    ("全厂一百二十人，全部算上的话一百五。", 150),  # "全部算上" sums the whole, not some groups
    ("以前有三百人，现在车间和办公室加起来也就一百五。", 150),  # a headcount of another time is no total of now
    ("车间、仓库加起来五十个，技术、办公室加起来三十个。", 80),  # two sums of groups are both parts
])
def test_a_sum_of_some_groups_after_the_total_is_a_part(text, employees):
    assert _interview(text).state.profile.get("employees") == employees


def test_a_later_sum_with_only_a_year_to_it_does_not_replace_the_turnover():
    """An owner who answers in his own order: the budget said after the turnover, to another question, with only "一年"
    as its frame, is not taken as a new turnover (it was: 4200 became 12.5)."""
    profile = _interview("我们做塑料包装袋，员工一百一十人左右，去年开票四千二百万。", "一年十到十五万吧。").state.profile
    assert profile.get("revenue_wan") == 4200
    corrected = _interview("我们做塑料包装袋，去年开票四千二百万。", "不对，说错了，一年是三千二百万。").state.profile
    assert corrected.get("revenue_wan") == 3200  # a correction still restates it
    iv = _interview("我们做五金配件，员工五十人左右，一年营收十个亿。")
    assert iv.state.turns[-1].asked == "confirm:revenue_wan"  # checked back: the answer restates it
    iv.reply("一年五千万左右。")
    assert iv.state.profile.get("revenue_wan") == 5000


def test_a_one_character_trade_is_read():
    assert _interview("我们家是做茶的，在福建。").state.profile.get("industry") == "茶"


@pytest.mark.parametrize("text,trade", [
    ("我们在山里种猕猴桃，四百多亩。", "猕猴桃种植"),  # what is grown, and that it is grown
    ("我们种植苗木，三百亩。", "苗木种植"),  # the verb said whole
    ("我们主要做挖掘机上的液压油管，配套几家主机厂。", "挖掘机上的液压油管"),  # the part, of what
    ("We are a small dyeing mill near Hangzhou.", "dyeing mill（印染）"),
    ("我们车队主要拉建材，砂石水泥都拉。", "建材运输"),  # a verb of many uses, in answer to what we do
    ("装空调的，家用商用都装，也做保养。", "空调安装"),
    ("我们在景德镇烤瓷器的，柴窑。", "瓷器"),  # after a short place
    ("咱们厂做地铁隧道两边的支架。", "地铁隧道两边的支架"),  # beside something, the part that follows
    ("我们在拼多多上卖收纳盒。", "收纳盒（电商）"),  # sold on a marketplace
    ("我们是卖米线的，昆明开了五家店。", "米线（门店）"),  # sold in the outlets counted beside it
    ("We mould rubber gaskets for pumps.", "rubber gaskets（密封件）"),  # an English trade glossed in Chinese
    ("我们在拉萨卖藏药。", "藏药"),  # a verb of many uses inside a name leaves the next verb its trade
    ("我们拉链厂，一百多人，主要做服装拉链。", "服装拉链"),  # nor is a firm what it governs
    ("我们生产中药饮片，六十多人。", "中药饮片"),
    ("我们生产五金工具，从来不在淘宝上卖。", "五金工具"),  # never sold there: no 电商
    ("我们主要给几家连锁面包店供纸盒和托盘。", "纸盒和托盘"),  # for whom, between the firm and the verb (stop 53)
    # a verb that is the trade
    ("We mostly repair and service cold-room compressors.", "repair of cold-room compressors（维修）"),
    ("We distribute frozen seafood to hotels.", "distribution of frozen seafood（分销配送、水产）"),
    ("我们主要给几家连锁药店供应商品。", None),  # 供应 is no trade verb of its own here (供应商, 供应链)
    ("We mainly sell to supermarkets.", None),  # whom it is sold to is no trade
])
def test_the_trade_is_what_a_reader_would_label(text, trade):
    assert _interview(text).state.profile.get("industry") == trade


@pytest.mark.parametrize("text,trade", [  # no trade verb: the words of the sector name it (sentences of this test)
    ("Hi, it's a trucking outfit, 40 drivers.", "运输"),
    ("就是些冷链的活，给超市配货。", "冷链"),
    ("Mostly bakery stuff, bread and cakes, four shops.", "烘焙"),
    ("设备都挺旧的，三十来个人。", None),  # equipment of any trade
    ("我们这个系统是管仓储的。", None),  # what a system does
    ("客户基本都是做家具的，我们这边五十人。", None),  # the customers' trade
    ("Our main supplier is a paper mill; 12 people.", None),  # the supplier's (the review of stop 55)
    ("原料都从塑料厂进，二十来人。", None),
    ("服务对象主要是医院，四十人。", None),  # those served
    ("铝型材，客户都是门窗厂，六十人。", "铝型材"),  # the customers' trade said after ours
    ("发货都找了家物流公司，我们二十人。", None),  # a firm hired
])
def test_a_trade_said_without_a_verb_is_named_by_its_sectors_words(text, trade):
    assert _interview(text).state.profile.get("industry") == trade


def test_a_verb_of_many_uses_names_no_trade_inside_a_word_or_beside_another_question():
    assert _interview("我们用着一套服装ERP，仓库也在上面。").state.profile.get("industry") is None
    iv = _interview("一百来号人，一年三千万左右。", "我们也装摄像头，仓库门口两个。")  # asked something else
    assert iv.state.profile.get("industry") is None


# --- a system there but not in use, said after its name (issue 21, item 3), sentences written for this test ---------
@pytest.mark.parametrize("text,system,in_use", [
    ("我们有套WMS，说白了就是个摆设。", "wms", False),
    ("那个OA现在谁也不打开了。", "oa", False),
    ("We bought a CRM that no one logs in to.", "crm", False),
    ("进销存软件去年装了，一直没启用。", "erp", False),
    ("金蝶用得顺手，不用换。", "erp", True),  # "不用换": no need to change, not "not used"
    ("MES在两个车间用着，不过计划科不登录。", "mes", True),  # its own clause says it is used
])
def test_a_system_said_unused_after_its_name(text, system, in_use):
    assert _interview(text).state.profile.get(f"system.{system}") is in_use


# --- written for this test: constructions of the language found missing on a fresh set (issue 21) -----------------
@pytest.mark.parametrize("text,key,value", [
    ("数字化这块今年预算大概15个W。", "digital_budget_wan", 15.0),  # W for 万, as typed
    ("For IT we could spend somewhere between 20 and 40k RMB.", "digital_budget_wan", 3.0),  # between … and …
    ("电脑网络这些是我侄子在管，他也兼做销售。", "digital_staff", 1),  # someone who looks after the computers
    ("My sister takes care of the computers besides her accounting job.", "digital_staff", 1),
    ("我们厂电脑没人管，坏了再说。", "digital_staff", 0),
    ("Two full-time IT staff look after everything.", "digital_staff", 2),  # how they work, between count and noun
    ("Our receptionist doubles as the IT person.", "digital_staff", 1),
    ("网络这块包给了外面一家公司，一年结一次，我们厂里没人懂。", "digital_staff", 0),  # outsiders, then nobody of ours
    ("信息部四个人：一个管网络，三个做系统开发。", "digital_staff", 4),  # the team counted, then what each does
    ("全厂两百人的IT：小王管。", "digital_staff", 1),  # the firm's count before the colon is not the team's
    ("我们做IT设备贸易的，物流外包出去了，自己没人送货。", "digital_staff", None),  # outsiders of something else
])
def test_words_of_the_language_for_budget_and_it_staff(text, key, value):
    assert _interview(text).state.profile.get(key) == value


def test_someone_elses_boss_and_a_boss_who_leaves_it():
    assert _interview("我们有个供应商，他们老板亲自抓信息化，做得很好。").state.profile.get("leadership") is None
    assert _interview("我们老板这些事是不会管的，全交给我。").state.profile.get("leadership") is False


# --- who leads, said where another question was asked (stop 52) ---------------------------------------------------
@pytest.mark.parametrize("text,leads", [
    ("这事儿我自个儿盯，别人弄不明白。", True),  # the work and "oneself" said with the northern 儿
    ("这块我自己抓得挺紧，每周都过一遍。", True),  # how it is led follows the verb, not what is led
    ("仓库那套WMS就是我力推上的，现在也是我在管。", True),  # the system pushed in, then "now it is me"
    ("信息化这块我儿子在帮我弄，我基本不插手。", False),  # done for me by my son: the son leads
    ("我们老板对这个很积极，开会就提。", True),  # "this", the work, is what the boss is keen on
    ("老板对这个价格很在意。", None),  # the price is something else
    ("这事儿我盯得不太紧，都是小王在推。", False),  # led little, by the speaker: 小王 leads
])
def test_who_leads_said_beside_another_question(text, leads):
    assert _interview(text).state.profile.get("leadership") is leads


def test_an_english_share_word_is_a_whole_word():
    assert _interview("Everyone wants it but nothing is connected.").state.profile.get("equipment_networked_pct") != 100


# --- stop 53, sentences written for this test: what a fresh set (owner_sentences_fresh8) showed missing -----------
@pytest.mark.parametrize("text,key,value", [
    ("做包装印刷的，一年开票五千来万，今年老板批了三十万专门上系统。", "digital_budget_wan", 30.0),  # its purpose after it
    ("做包装印刷的，一年开票五千来万，今年老板批了三十万专门上系统。", "revenue_wan", 5000.0),
    ("店里一共十二个人，两个合伙人也在柜台。", "employees", 12),  # the total, with the owners inside it
    ("厂里六十来号人，两个股东也天天在车间。", "employees", 60),  # the owners beside another count are a part
    ("就我们三个合伙人在做，没请人。", "employees", 3),  # the owners alone are all there is
    ("营收两千万，其中三百万是数字化服务收入。", "digital_budget_wan", None),  # money that comes in is no budget
    ("我们用金蝶，客户没要求用别的。", "system.erp", True),  # 没要求 is no refusal
    ("有家公司上门推销WMS，开价八万，我嫌贵没要。", "system.wms", False),  # a pitch refused later
    ("CRM我们看过三家，最后都没谈成。", "system.crm", False),
    ("那套报表软件的年费去年就没续了。", "system.bi", False),
    ("厂里没几个人会用电脑。", "employees", None),  # "few", not a count
])
def test_what_a_later_clause_says_of_an_amount_a_count_or_a_system(text, key, value):
    assert _interview(text).state.profile.get(key) == value


@pytest.mark.parametrize("text,leads", [
    ("董事长就是我本人，上系统的事都是我一手抓的。", True),  # the boss is "me", said in that order
    ("Honestly I'm the one pushing all the digital stuff, I own the place.", True),  # a hedge before "I"
    ("我们老板嘴上说要搞，可他自己从来不理，全推给车间主任。", False),  # the boss ignores it and hands it on
    ("The founder leaves all the software side to our ops manager.", False),
    ("老板是我爸，信息化这块是我在牵头。", False),  # the boss is "my dad", not "me"
    ("My brother owns the firm; frankly I'm the one driving all the digital stuff, I'm just the sales director.",
     False),
])
def test_the_speaker_who_is_the_boss_leads(text, leads):
    assert _interview(text).state.profile.get("leadership") is leads
