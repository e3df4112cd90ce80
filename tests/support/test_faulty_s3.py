from __future__ import annotations

from flows.stores.s3 import S3Store
from tests.support.faulty_s3 import FAULTS, FaultPlan, faulty_s3


def test_boto3_rides_out_every_fault_kind(s3_store: S3Store) -> None:
    plan = FaultPlan(every=3)
    with faulty_s3(s3_store.endpoint_url or "", plan) as url:
        flaky = S3Store(s3_store.bucket, endpoint_url=url)
        for i in range(12):
            flaky.put(f"k/{i:02d}", f"v{i}".encode())
        assert [flaky.get(f"k/{i:02d}") for i in range(12)] == [f"v{i}".encode() for i in range(12)]
        assert len(list(flaky.list("k/"))) == 12
    assert set(plan.injected) == set(FAULTS)
    assert sum(plan.injected.values()) >= len(FAULTS)
