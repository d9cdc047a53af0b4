"""Masking of personal data (README: Login, roles and personal data: 张*明, 138****5678)."""
import pandas as pd

from metrics.privacy import mask_address, mask_frame, mask_name, mask_phone


def test_names():
    assert mask_name("张三明") == "张*明" and mask_name("李四") == "李*" and mask_name("欧阳小明") == "欧**明"
    assert mask_name(None) == "" and mask_name("王") == "*"


def test_phones_and_addresses():
    assert mask_phone("13812345678") == "138****5678" and mask_phone("123") == "***"
    assert mask_address("坊子区凤凰街道富泉社区12号楼3单元") == "坊子区凤凰街****"
    assert mask_address("测试路31号") == "测试路****"  # short: half is kept at most


def test_frame_masks_every_personal_column_and_leaves_the_rest():
    frame = pd.DataFrame({"reporter_name": ["周小明"], "reporter_phone": ["13900001234"], "grid": ["第1网格"]})
    out = mask_frame(frame)
    assert out.iloc[0].to_dict() == {"reporter_name": "周*明", "reporter_phone": "139****1234", "grid": "第1网格"}
    assert frame.iloc[0]["reporter_name"] == "周小明"  # the input is not changed
