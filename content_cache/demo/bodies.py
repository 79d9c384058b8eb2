"""Bodies written from the topic's own sentences: its programme, the department, sums, dates, places, how to apply.

A body is an opening fitting its genre, sentences of the topic's kind
(a benefit says who may apply and how much is paid; a campaign says how long
it runs and where to report), and a closing with a telephone number.
"""

from __future__ import annotations

from content_cache.demo.fields import Fields

OPENINGS: dict[str, str] = {
    "通知": "{addressees}\n为进一步做好{topic}工作，根据国家和省有关规定，结合{area}实际，现就有关事项通知如下。",
    "意见": "{addressees}\n为加快推进{topic}工作，经{place}人民政府同意，现提出如下意见。",
    "方案": "为扎实推进{year}年{topic}工作，确保各项任务落到实处，结合{area}实际，制定本方案。",
    "要点": "{year}年，{pub}将紧紧围绕{topic}等重点工作，突出抓好以下几个方面。",
    "办法": "第一条 为规范{topic}工作，保障当事人合法权益，根据有关法律法规，结合本{unit}实际，制定本办法。\n"
    "第二条 本办法适用于本{unit}行政区域内的{topic}及其监督管理。",
    "细则": "第一条 为贯彻落实{topic}有关规定，细化工作要求，制定本细则。\n第二条 {pub}负责本细则的组织实施。",
    "规定": "第一条 为加强{topic}管理，根据有关法律法规，结合本{unit}实际，制定本规定。",
    "公告": "根据有关法律法规和政策规定，现将{topic}有关事项公告如下。",
    "通告": "为做好{topic}工作，维护公共利益和群众合法权益，现就有关事项通告如下。",
    "公示": "根据{topic}有关规定，经个人申请、村（社区）评议、乡镇审核，现将{year}年度有关情况予以公示。"
    "公示期自{date}起7个工作日。",
    "答复": "{person}委员：\n您提出的关于加强{topic}工作的提案收悉，现答复如下。",
    "批复": "你单位《关于{topic}有关问题的请示》收悉。经研究，现批复如下。",
    "纪要": "{date}，副市长{person}主持召开会议，专题研究{topic}等事项。现将会议议定事项纪要如下。",
    "报告": "{year}年，在市委、市政府的正确领导下，{pub}紧紧围绕{topic}等重点工作，各项工作取得新进展。",
    "总结": "{prev}年，{pub}认真落实年初确定的目标任务，{topic}等各项工作稳步推进，现将有关情况总结如下。",
    "公报": "{prev}年，面对复杂多变的宏观环境，{area}经济社会保持平稳健康发展。"
    "初步核算，全年地区生产总值{amount}亿元。",
    "决定书": (
        "当事人：{company}\n住所：{address}\n"  # the party, then the finding
        "经查，当事人存在违反{topic}有关规定的行为，事实清楚，证据确凿。"
    ),
    "解读": "一、出台背景\n为进一步规范和做好{topic}工作，{pub}研究起草了相关文件。\n"
    "二、主要内容\n文件明确了{topic}的适用范围、办理条件、工作程序和监督管理要求。",
    "指南": "一、事项名称：{topic}\n二、实施机关：{pub}\n三、办理地点：{window}",
    "招标公告": "{pub}{goods}采购项目已具备招标条件，现进行公开招标。项目编号：SZCG-{year}-{k}，预算金额{amount}万元。",
    "中标公告": "{pub}{goods}采购项目已完成评审。中标供应商：{company}，中标金额{amount}万元。",
}
ISSUING = "{addressees}\n现将{rule}印发给你们，请结合实际，认真贯彻执行。"  # a 通知 that issues a 《rule》
DEFAULT_OPENING = "为做好{topic}工作，{pub}现将有关情况公开如下。"
ADDRESSEES = {
    "市": "各县、区人民政府，市政府各部门、各直属机构：",
    "县": "各乡镇人民政府，县政府各部门：",
    "区": "各乡镇人民政府、街道办事处，区政府各部门：",
    "镇": "各村（居）民委员会，镇直各单位：",
}

SENTENCES: dict[str, tuple[str, ...]] = {
    "benefit": (
        "申请{topic}应当具备以下条件：户籍在{area}，家庭人均收入和家庭财产状况符合规定标准。",
        "申请人向户籍所在地乡镇人民政府（街道办事处）提出书面申请，提交居民身份证、户口簿和家庭收入情况说明等材料。",
        "{year}年{area}{topic}标准为每人每月{small}元，比上年提高{pct}%。",
        "{pub}会同财政部门按季度将补助资金通过惠民惠农财政补贴资金“一卡通”直接发放到对象账户。",
        "截至{year}年底，{area}共有{topic}对象{people}人，全年累计发放资金{amount}万元。",
        "乡镇人民政府（街道办事处）应当自受理申请之日起{days}个工作日内完成入户调查和审核，审核结果在村（社区）公示。",
        "对弄虚作假骗取待遇的，由{pub}责令退回，并依法依规处理。",
        "享受待遇的家庭人口、收入等情况发生变化的，应当及时告知乡镇人民政府（街道办事处）。",
    ),
    "service": (
        "办理{topic}，可到{window}现场申请，也可通过“皖事通”移动端在线申请。",
        "申请材料：申请表，居民身份证或者营业执照复印件，以及规定的其他材料。",
        "承诺办理时限为{days}个工作日；材料齐全、符合法定形式的，当场受理。",
        "办理不收取任何费用，办理结果可通过短信和{pub}政府信息公开网站查询。",
        "{year}年，{area}共受理{topic}事项{count}件，按时办结率100%。",
        "对不予受理或者不予批准的，{pub}应当书面告知申请人理由和救济途径。",
        "工作时间：周一至周五上午8:30至12:00，下午14:30至17:30，法定节假日除外。",
    ),
    "governance": (
        "到{year}年底，{area}{topic}工作机制基本健全，主要指标达到省定目标。",
        "{pub}牵头负责{topic}工作，各有关部门按照职责分工抓好落实。",
        "将此项工作纳入年度目标管理绩效考核，对工作不力的单位予以通报。",
        "{year}年，{area}{topic}累计投入资金{amount}万元，完成年度目标任务的{pct2}%。",
        "各县区、各有关单位于每季度末将工作进展情况报送{pub}。",
        "加强{topic}政策宣传解读，通过政府信息公开网、政务新媒体等渠道及时公开工作进展，接受社会监督。",
        "建立{topic}工作联席会议制度，定期研究解决工作中的重大问题。",
    ),
    "project": (
        "{project}总投资{amount}万元，计划工期{months}个月。",
        "{year}年{area}计划实施{topic}项目{count}个，惠及群众{people}户。",
        "项目建设单位要严格执行招标投标、工程监理和竣工验收制度，确保工程质量和安全。",
        "{topic}资金实行专账核算、专款专用，任何单位和个人不得截留、挤占、挪用。",
        "项目建成后，由{pub}组织验收，验收结果在政府信息公开网公示。",
        "涉及征收补偿的，按照{place}有关规定给予补偿安置，补偿情况张榜公布。",
    ),
    "safety": (
        "各地、各部门要严格落实属地管理责任和部门监管责任。",
        "发生突发情况时，事发地人民政府应当立即启动应急响应，并在{hours}小时内向{pub}报告。",
        "{pub}将组织开展{topic}专项检查，对发现的隐患实行清单管理、限期整改。",
        "{year}年{area}共排查{topic}隐患{count}处，已整改{count2}处。",
        "{pub}24小时值班电话：{phone}。",
        "加强{topic}宣传教育，提高群众的防范意识和自救互救能力。",
    ),
    "fee": (
        "经成本监审和价格听证，{area}{topic}标准调整为每单位{price}元。",
        "新的{topic}标准自{date}起执行，原有关规定同时废止。",
        "收费单位应当在醒目位置公示收费项目、标准和依据，自觉接受社会监督。",
        "对最低生活保障家庭、特困供养人员等困难群众，{topic}给予减免。",
        "对违反{topic}规定的行为，可拨打12345政务服务便民热线举报。",
    ),
    "campaign": (
        "自{date}起，在{area}范围内开展为期{months}个月的{topic}专项行动。",
        "{pub}设立{topic}举报电话{phone}，对查证属实的举报给予奖励。",
        "专项行动期间，共查处{topic}案件{count}起，依法处理{count2}人。",
        "坚持打防结合、综合治理，建立长效机制。",
        "各乡镇、各部门要加强协作配合，形成工作合力。",
    ),
}
CLOSINGS = (
    "联系电话：{phone}；地址：{address}。",
    "以上事项如有疑问，请于工作时间咨询{pub}，电话{phone}。",
    "本文件自发布之日起施行，由{pub}负责解释。",
    "附件：{topic}工作任务分解表",
)
# What a longer body's further paragraphs name anew, so they do not repeat the first ones.
FRESH = frozenset(
    {"amount", "small", "people", "count", "count2", "pct", "pct2", "days", "months", "project", "date", "md"}
)


def compose(fields: Fields, kind: str, genre: str, chars: int = 0, numbered: bool = False) -> str:
    """The body of one item: an opening, four to six sentences of its kind, a closing; `chars` long at least.

    A numbered document (one with a 文号) ends with its disclosure option.
    """
    rng = fields.rng
    sentences = SENTENCES[kind]
    fields["addressees"] = ADDRESSEES[str(fields["unit"])]
    opening = ISSUING if genre == "通知" and "rule" in fields else OPENINGS.get(genre, DEFAULT_OPENING)
    lines = [opening.format_map(fields)]
    picked = rng.sample(sentences, k=min(len(sentences), rng.randint(4, 6)))
    if "{topic}" not in lines[0] and not any("{topic}" in s for s in picked):
        picked[0] = rng.choice([s for s in sentences if "{topic}" in s])  # every body names its topic
    lines += [s.format_map(fields) for s in picked]
    lines.append(CLOSINGS[int(rng.random() * len(CLOSINGS))].format_map(fields))
    length = sum(map(len, lines)) + len(lines)
    while length < chars:  # a further paragraph of three sentences, naming new sums and dates
        fields.fresh(FRESH)
        paragraph = "".join(sentences[int(rng.random() * len(sentences))].format_map(fields) for _ in range(3))
        lines.append(paragraph)
        length += len(paragraph) + 1
    if numbered:
        lines.append("信息公开选项：主动公开")  # the line a numbered document carries under its text
    return "\n".join(lines)
