#!/usr/bin/env bash
# What the test suite needs from the machine, installed only where missing (CI runs as root):
# Debian's Chromium (browser tests), gettext's msgfmt (translations), Tesseract's Arabic and
# Russian data (OCR), file-system and image tools (disk-image tests), and a PostgreSQL that
# answers on 127.0.0.1:5432 with trust authentication (the suite's second run).
set -euo pipefail

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v msgfmt >/dev/null || missing+=(gettext)
command -v pg_isready >/dev/null || missing+=(postgresql)
# OCR of Arabic and Cyrillic (the ocr analyzer), and a font for its synthetic-sign tests;
# the tools the disk-image tests build their own images with (FAT with a deleted file, ext4,
# NTFS, GPT and MBR partition tables, E01, VMDK/VHD(X)/QCOW2), no mounting and no root needed
for package in tesseract-ocr tesseract-ocr-ara tesseract-ocr-rus fonts-dejavu-core \
  dosfstools mtools e2fsprogs ntfs-3g gdisk fdisk ewf-tools qemu-utils; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  version=$(ls /etc/postgresql | sort -V | tail -1)
  hba=/etc/postgresql/$version/main/pg_hba.conf
  # Loopback only, for the throwaway CI machine: the tests connect as postgres without a password.
  grep -q "vigil-ci" "$hba" || sed -i '1i host all all 127.0.0.1/32 trust # vigil-ci' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  pg_isready -h 127.0.0.1 -p 5432
fi
