"""Identity numbers an applicant gives: checked (checksums, real birth dates, the formats of passes), made
half-width and upper case, and masked wherever they are shown. Also the application's own checks that
depend on them (the document must fit the kind of applicant)."""

import pytest
import time_machine
from django.core.exceptions import ValidationError

from huimin.disclosure import identity, services
from huimin.disclosure.enums import ApplicantType, Delivery, IdType, OrgKind
from huimin.disclosure.tests.factories import VALID_CREDIT_CODE, VALID_ID_CARD, VALID_ID_CARD_X, at

ID_CARD_WRONG = "身份证号码有误：应为18位，出生日期和最后一位校验码须正确。"
CREDIT_WRONG = "统一社会信用代码有误：应为18位，最后一位校验码须正确。"


@pytest.fixture(autouse=True)
def _clock():
    """Birth dates are checked against today: pin it."""
    with time_machine.travel(at("2026-11-02 10:00"), tick=False):
        yield


def refused(id_type, number) -> str:
    with pytest.raises(ValidationError) as error:
        identity.validate(id_type, number)
    return error.value.messages[0]


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (VALID_ID_CARD, VALID_ID_CARD),
        (VALID_ID_CARD_X, VALID_ID_CARD_X),
        ("11010519491231002x", VALID_ID_CARD_X),  # lower-case x
        ("３２１３０２１９９００１０１１２３４", VALID_ID_CARD),  # full-width digits
        ("１１０１０５１９４９１２３１００２ｘ", VALID_ID_CARD_X),  # full-width lower-case x
        (" 321302 19900101 1234 ", VALID_ID_CARD),  # spaces as people type them
    ],
)
def test_id_cards_with_right_checksums_are_kept_normalised(given, kept):
    assert identity.validate(IdType.ID_CARD, given) == kept


@pytest.mark.parametrize(
    "number",
    [
        "321302199001011235",  # wrong check digit
        "32130219900101123X",  # X where a digit belongs
        "321302199002301233",  # 30 February, check digit right
        "321302199013011231",  # month 13, check digit right
        "32130219900101123",  # 17 characters
        "3213021990010112345",  # 19 characters
        "021302199001011234",  # no area code starts with 0
        "32130219900101123Y",
        "<script>alert(1)</script>",
    ],
)
def test_wrong_id_cards_are_refused_in_chinese(number):
    assert refused(IdType.ID_CARD, number) == ID_CARD_WRONG


def test_an_impossible_date_is_refused_even_with_a_right_checksum():
    # The same 17 digits with a real date pass; with 30 February they do not, whatever the last digit.
    assert refused(IdType.ID_CARD, "321302199002301233") == ID_CARD_WRONG
    for last in "0123456789X":
        with pytest.raises(ValidationError):
            identity.validate(IdType.ID_CARD, "32130219900230123" + last)


def test_a_birth_date_in_the_future_is_refused():
    newborn = "321302202611030015"  # born 2026-11-03, check digit right
    with time_machine.travel(at("2026-11-02 12:00"), tick=False):
        assert refused(IdType.ID_CARD, newborn) == ID_CARD_WRONG
        assert refused(IdType.ID_CARD, "321302209901011236") == ID_CARD_WRONG  # 2099
    with time_machine.travel(at("2026-11-03 12:00"), tick=False):
        assert identity.validate(IdType.ID_CARD, newborn) == newborn


def test_credit_codes_are_checked_by_their_check_character():
    assert identity.validate(IdType.CREDIT_CODE, VALID_CREDIT_CODE) == VALID_CREDIT_CODE
    assert identity.validate(IdType.CREDIT_CODE, "９１３２１３００１２３４５６７８９６") == VALID_CREDIT_CODE
    assert identity.validate(IdType.CREDIT_CODE, "91321300ma1mxxxxxr") == "91321300MA1MXXXXXR"
    for wrong in ("913213001234567890", "91321300123456789", "91321300I23456789O", "91321300123456789S"):
        assert refused(IdType.CREDIT_CODE, wrong) == CREDIT_WRONG


@pytest.mark.parametrize(
    ("id_type", "good", "bad", "words"),
    [
        (
            IdType.PASSPORT,
            ["E12345678", "g1234567", "ＥＡ１２３４５６７"],
            ["E12", "E-1234567", "护照12345"],
            "护照号码",
        ),
        (
            IdType.HK_MACAO,
            ["H12345678", "m1234567890"],
            ["A12345678", "H1234567", "H12345678901"],
            "港澳居民",
        ),
        (IdType.TAIWAN, ["12345678", "1234567890"], ["123456789", "T1234567", "1234567"], "台湾居民"),
    ],
)
def test_passes_and_passports_follow_their_formats(id_type, good, bad, words):
    for number in good:
        assert identity.validate(id_type, number) == identity.normalise(number)
        assert identity.validate(id_type, number).isupper() or identity.validate(id_type, number).isdigit()
    for number in bad:
        assert words in refused(id_type, number)


@pytest.mark.parametrize("id_type", [IdType.ID_CARD, IdType.PASSPORT, IdType.CREDIT_CODE])
@pytest.mark.parametrize("number", ["", "   ", "\u3000", None])
def test_an_empty_number_asks_for_one(id_type, number):
    assert refused(id_type, number) == "请填写证件号码。"


def test_an_unknown_document_type_is_refused():
    assert refused("driving_licence", VALID_ID_CARD) == "请选择证件类型。"


def test_normalise_makes_full_width_half_width_and_upper_case():
    assert identity.normalise("ａｂｃ　１２３ x") == "ABC123X"


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (VALID_ID_CARD, "3213**********1234"),
        (VALID_ID_CARD_X, "1101**********002X"),
        (VALID_CREDIT_CODE, "9132**********7896"),
        ("H12345678", "H1*****78"),
        ("12345678", "12****78"),
        ("E12345", "******"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_numbers_are_masked(number, shown):
    assert identity.masked_id(number) == shown
    if number and len(number) == 18:
        assert number[4:14] not in identity.masked_id(number)


def test_phones_and_names_are_masked():
    assert identity.masked_phone("13912345678") == "139****5678"
    assert "84350000" not in identity.masked_phone("0527-84350000")
    assert identity.masked_phone("") == ""
    assert identity.masked_name("张三") == "张*"
    assert identity.masked_name("欧阳娜娜") == "欧***"
    assert identity.masked_name(" 李 ") == "李"
    assert identity.masked_name("") == ""


# --- the application's checks that depend on the document --------------------------------------------


def data(**overrides) -> services.ApplicationData:
    values = {
        "site": None,
        "unit": object(),
        "applicant_type": ApplicantType.CITIZEN,
        "name": "张三",
        "id_type": IdType.ID_CARD,
        "id_number": VALID_ID_CARD,
        "phone": "139 1234 5678",
        "email": "zhangsan@example.com",
        "description": "2025年度古黄河堤防加固工程的批复文件",
        "delivery": Delivery.EMAIL,
    }
    values.update(overrides)
    return services.ApplicationData(**values)


def problems(**overrides) -> dict:
    with pytest.raises(ValidationError) as error:
        services.validate(data(**overrides))
    return error.value.message_dict


def test_a_valid_application_is_cleaned():
    cleaned = services.validate(data(id_number="１１０１０５１９４９１２３１００２ｘ", name=" 张三 "))
    assert cleaned["id_number"] == VALID_ID_CARD_X and cleaned["name"] == "张三"
    assert cleaned["phone"] == "13912345678"


def test_the_document_must_fit_the_kind_of_applicant():
    assert problems(id_type=IdType.CREDIT_CODE, id_number=VALID_CREDIT_CODE)["id_type"] == [
        "请选择与申请人类型相符的证件类型。"
    ]
    organisation = {"applicant_type": ApplicantType.ORGANISATION, "org_kind": OrgKind.BUSINESS}
    assert "id_type" in problems(**organisation, contact_person="王五")
    assert services.validate(
        data(**organisation, contact_person="王五", id_type=IdType.CREDIT_CODE, id_number=VALID_CREDIT_CODE)
    )


def test_a_wrong_number_is_reported_on_its_field():
    assert problems(id_number="321302199001011235")["id_number"] == [ID_CARD_WRONG]
    assert problems(id_number="")["id_number"] == ["请填写证件号码。"]


def test_an_organisation_needs_its_kind_and_a_contact_person():
    found = problems(
        applicant_type=ApplicantType.ORGANISATION, id_type=IdType.CREDIT_CODE, id_number=VALID_CREDIT_CODE
    )
    assert found["org_kind"] == ["请选择组织类别。"]
    assert found["contact_person"] == ["法人或其他组织请填写联系人。"]


def test_hostile_and_broken_input_gets_chinese_errors():
    found = problems(name="张三\x00", description="短", phone="12345", postcode="22380", unit=None)
    assert "控制字符" in found["name"][0]
    assert found["description"][0].startswith("请描述所需政府信息")
    assert found["phone"][0].startswith("请填写正确的手机号码")
    assert found["postcode"] == ["邮政编码应为6位数字。"]
    assert found["unit"] == ["请选择申请的行政机关。"]
    assert problems(delivery=Delivery.EMAIL, email="")["email"] == ["选择以电子邮件获取的，请填写电子邮箱。"]
    assert problems(delivery=Delivery.PAPER, address="")["address"] == ["选择纸质获取的，请填写通信地址。"]
    assert problems(delivery="pigeon")["delivery"] == ["请选择获取信息的方式。"]
    assert problems(description="多" * 3001)["description"] == ["所需信息的内容描述不能超过3000个字。"]
    # Markup is not refused but kept as the words typed: it is escaped wherever it is shown.
    assert services.validate(data(name="<b>张三</b>"))["name"] == "<b>张三</b>"
