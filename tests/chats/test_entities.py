"""Entities count only when they validate: known-valid public examples pass, and the same
value with one character changed is not an entity."""

from __future__ import annotations

import pytest

from vigil.chats.entities import Kind, extract
from vigil.chats.entities.crypto import classify, eip55
from vigil.chats.entities.encodings import (
    BECH32_CONSTANT,
    bech32_decode,
    bech32_encode,
    convert_bits,
    segwit_decode,
)
from vigil.chats.entities.keccak import keccak256
from vigil.chats.entities.onion import is_valid_v3

VALID_CRYPTO = {
    # Bitcoin: the genesis address, a P2SH, BIP-173 v0 and BIP-350 v1 (taproot) vectors.
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa": ("bitcoin", "p2pkh"),
    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy": ("bitcoin", "p2sh"),
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4": ("bitcoin", "segwit-v0"),
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7": (
        "bitcoin-testnet",
        "segwit-v0",
    ),
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0": ("bitcoin", "segwit-v1"),
    # Tron: the USDT (TRC-20) contract address.
    "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t": ("tron", "base58"),
    # Monero: the project's general fund address.
    "44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A": (  # noqa: E501
        "monero",
        "standard",
    ),
}
EIP55_EXAMPLES = (  # from EIP-55 itself
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
)
ONIONS = (
    "duckduckgogg42xjoc72x3sjasowoarfbgcmvfimaftt6twagswzczad",
    "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid",
)


def _one_changed(value: str, index: int) -> str:
    alphabet = "23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
    replacement = next(char for char in alphabet if char != value[index]
                       and char.islower() == value[index].islower())  # fmt: skip
    return value[:index] + replacement + value[index + 1 :]


def test_keccak256_is_the_original_keccak_not_sha3() -> None:
    empty = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert keccak256(b"").hex() == empty


@pytest.mark.parametrize("address", sorted(VALID_CRYPTO))
def test_a_known_valid_address_is_found_with_its_coin(address: str) -> None:
    hits = extract(f"send to {address} today")
    assert [(hit.kind, hit.value) for hit in hits] == [(Kind.CRYPTO, address.lower()
             if address.lower().startswith(("bc1", "tb1")) else address)]  # fmt: skip
    assert (hits[0].details["coin"], hits[0].details["type"]) == VALID_CRYPTO[address]


@pytest.mark.parametrize("address", sorted(VALID_CRYPTO))
def test_an_address_with_one_changed_character_is_not_an_entity(address: str) -> None:
    changed = _one_changed(address, len(address) // 2)
    assert classify(changed) is None
    assert extract(f"send to {changed} today") == []


def test_a_litecoin_address_is_told_apart_by_its_version_byte() -> None:
    from vigil.chats.entities.encodings import base58check_decode, base58check_encode

    payload = base58check_decode("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert payload is not None
    litecoin = base58check_encode(b"\x30" + payload[1:])
    assert litecoin.startswith("L")
    assert classify(litecoin) == {"value": litecoin, "coin": "litecoin", "type": "p2pkh"}


def test_a_taproot_address_with_the_bech32_checksum_is_rejected() -> None:
    # BIP-350: version 1+ must use Bech32m; the old constant makes it invalid.
    decoded = bech32_decode("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0")
    assert decoded is not None
    wrong = bech32_encode("bc", decoded[1], BECH32_CONSTANT)
    assert segwit_decode("bc", wrong) is None
    assert classify(wrong) is None


def test_a_segwit_address_in_mixed_case_is_rejected() -> None:
    mixed = "bc1qW508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"
    assert classify(mixed) is None


def test_convert_bits_round_trips() -> None:
    data = list(bytes.fromhex("751e76e8199196d454941c45d1b3a323f1433bd6"))
    five = convert_bits(data, 8, 5, pad=True)
    assert five is not None and convert_bits(five, 5, 8, pad=False) == data


@pytest.mark.parametrize("address", EIP55_EXAMPLES)
def test_eip55_examples_validate_and_normalise_to_themselves(address: str) -> None:
    assert eip55(address[2:]) == address
    assert extract(address)[0].value == address


def test_an_ethereum_address_in_one_case_has_no_checksum_and_is_still_valid() -> None:
    lower = EIP55_EXAMPLES[0].lower()
    hit = extract(f"to {lower}")[0]
    assert hit.value == EIP55_EXAMPLES[0] and hit.details["checksummed"] == "false"


def test_an_ethereum_address_with_a_wrong_checksum_is_not_an_entity() -> None:
    address = EIP55_EXAMPLES[0]
    flipped = address[:3] + address[3].swapcase() + address[4:]
    assert extract(flipped) == []


@pytest.mark.parametrize("label", ONIONS)
def test_v3_onion_addresses_validate_their_checksum(label: str) -> None:
    assert is_valid_v3(label)
    assert [hit.value for hit in extract(f"go to {label}.onion now")] == [f"{label}.onion"]
    changed = label[:10] + ("a" if label[10] != "a" else "b") + label[11:]
    assert not is_valid_v3(changed)
    assert extract(f"go to {changed}.onion now") == []


def test_ibans_validate_and_a_changed_digit_is_rejected() -> None:
    hits = extract("IBAN GB82 WEST 1234 5698 7654 32 OK and DE89370400440532013000.")
    assert [(hit.kind, hit.value) for hit in hits] == [
        (Kind.IBAN, "GB82WEST12345698765432"),
        (Kind.IBAN, "DE89370400440532013000"),
    ]
    assert hits[0].details == {"country": "GB"}
    assert extract("GB82 WEST 1234 5698 7654 33") == []


def test_card_numbers_need_luhn_and_an_issuer() -> None:
    hits = extract("card 4111 1111 1111 1111, amex 378282246310005")
    assert [(hit.value, hit.details["brand"]) for hit in hits] == [
        ("4111111111111111", "visa"),
        ("378282246310005", "amex"),
    ]
    assert extract("card 4111 1111 1111 1112") == []
    assert extract("order 9111111111111111") == []  # Luhn-valid shape, no issuer


def test_phone_numbers_carry_their_country() -> None:
    hits = extract("call +44 20 7946 0958 or +33 6 12 34 56 78")
    assert [(hit.value, hit.details["country"]) for hit in hits] == [
        ("+442079460958", "GB"),
        ("+33612345678", "FR"),
    ]


def test_a_national_number_needs_the_agency_country() -> None:
    assert extract("call 06 12 34 56 78") == []
    assert [hit.value for hit in extract("call 06 12 34 56 78", default_region="FR")] == [
        "+33612345678"
    ]


def test_emails_urls_domains_and_handles() -> None:
    text = "mail Bob.X@Example.COM, see https://Example.org/a?b=1). Ask @Dave_99 on example.net"
    found = [(hit.kind.value, hit.value) for hit in extract(text)]
    assert found == [
        ("email", "bob.x@example.com"),
        ("url", "https://example.org/a?b=1"),
        ("domain", "example.org"),
        ("handle", "@dave_99"),
        ("domain", "example.net"),
    ]


def test_a_file_name_is_not_a_domain() -> None:
    assert extract("see report.pdf and photo.jpg") == []


def test_a_link_hidden_behind_text_is_found_without_a_span() -> None:
    hits = extract("click here", link_targets=["https://example.org/x"])
    assert [(hit.kind.value, hit.start) for hit in hits] == [("url", -1), ("domain", -1)]


def test_a_card_number_is_not_also_a_phone_number() -> None:
    assert [hit.kind for hit in extract("+4111111111111111")] != [Kind.PHONE]
    assert {hit.kind for hit in extract("4111 1111 1111 1111")} == {Kind.CARD}
