"""Masking of personal data (README: Login, roles and personal data: 张*明, 138****5678)."""
import pandas as pd

from metrics.privacy import mask_address, mask_frame, mask_name, mask_phone


def test_names():
    assert mask_name("张三明") == "张*明" and mask_name("李四") == "李*" and mask_name("欧阳小明") == "欧**明"
    assert mask_name(None) == "" and mask_name("王") == "*"


def test_phones_and_addresses():
    assert mask_phone("13812345678") == "138****5678" and mask_phone("123") == "***"
    assert mask_address("测试路31号") == "测试路****"


def test_addresses_are_cut_after_a_whole_unit_never_inside_a_word():
    # by hand: the last 省/市/区/街道/社区/路… before the house number ends what is kept
    assert mask_address("坊子区凤凰街道富泉社区12号楼3单元") == "坊子区凤凰街道富泉社区****"  # was 坊子区凤凰街****
    assert mask_address("坊子区凤凰街道龙林社区永安路100号附近") == "坊子区凤凰街道龙林社区永安路****"
    assert mask_address("山东省潍坊市坊子区凤凰街道北海路一百二十号") == "山东省潍坊市坊子区凤凰街道北海路****"
    assert mask_address("坊子区凤凰街道") == "坊子区****"  # no number: the last unit is hidden too
    assert mask_address("幸福家园3栋") == "幸福家园****"  # no unit: the name before the number stays whole
    assert mask_address("无单位的一段文字") == "无单位的****"  # neither: at most half, never the whole text


def test_frame_masks_every_personal_column_and_leaves_the_rest():
    frame = pd.DataFrame({"reporter_name": ["周小明"], "reporter_phone": ["13900001234"], "grid": ["第1网格"]})
    out = mask_frame(frame)
    assert out.iloc[0].to_dict() == {"reporter_name": "周*明", "reporter_phone": "139****1234", "grid": "第1网格"}
    assert frame.iloc[0]["reporter_name"] == "周小明"  # the input is not changed
