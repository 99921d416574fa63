//! The workbook limits (`workbook_limits`) for an old binary `.xls`: the
//! reader builds every sheet when it opens the file, reserving room for the
//! extent a sheet declares (its DIMENSIONS record) and building the
//! rectangle from its first to its last cell. So the `Workbook` stream is
//! found in the compound file (its sector chains followed with a step limit)
//! and its records read first: each sheet's declared extent and the extent
//! of its cells are held to the caps.

use super::workbook_scan::{Extent, Refusal, MAX_CELLS};

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The compound file's sectors and allocation table.
struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<usize>,
}

const END: usize = 0xFFFF_FFFE;

impl Cfb<'_> {
    fn sector(&self, id: usize) -> Option<&[u8]> {
        let size = 1usize << self.shift;
        let start = id.checked_add(1)?.checked_mul(size)?;
        self.bytes.get(start..start.checked_add(size)?)
    }

    /// The bytes of the chain from sector `first`, at most `len` of them.
    fn chain(&self, first: usize, len: usize) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = first;
        let mut steps = 0;
        while id < END - 8 && out.len() < len {
            out.extend_from_slice(self.sector(id)?);
            id = *self.fat.get(id)?;
            steps += 1;
            if steps > self.fat.len() {
                return None;
            }
        }
        out.truncate(len);
        Some(out)
    }
}

/// The `Workbook` stream of a compound file; `None` when it cannot be found
/// (the reader then says why).
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let shift = u32::from(*bytes.get(0x1E)?);
    if !(7..=16).contains(&shift) {
        return None;
    }
    let mut cfb = Cfb { bytes, shift, fat: Vec::new() };
    let mut fat_sectors: Vec<usize> = (0..109).filter_map(|i| u32_at(bytes, 0x4C + 4 * i)).collect();
    let mut difat = u32_at(bytes, 0x44)?;
    let per = (1usize << shift) / 4;
    for _ in 0..u32_at(bytes, 0x48)?.min(bytes.len() >> shift) {
        let s = cfb.sector(difat)?;
        fat_sectors.extend((0..per - 1).filter_map(|i| u32_at(s, 4 * i)));
        difat = u32_at(s, 4 * (per - 1))?;
    }
    for id in fat_sectors.into_iter().filter(|&id| id < END - 8) {
        let s = cfb.sector(id)?;
        let more: Vec<usize> = (0..per).filter_map(|i| u32_at(s, 4 * i)).collect();
        cfb.fat.extend(more);
    }
    let dir = cfb.chain(u32_at(bytes, 0x30)?, bytes.len())?;
    let entry = |e: &[u8]| -> Option<(String, usize, usize)> {
        let n = u16_at(e, 0x40)?.min(64) / 2;
        let name: Vec<u16> = (0..n.saturating_sub(1)).filter_map(|i| u16_at(e, 2 * i).map(|c| c as u16)).collect();
        Some((String::from_utf16_lossy(&name), u32_at(e, 0x74)?, u32_at(e, 0x78)?))
    };
    let entries: Vec<_> = dir.chunks(128).filter_map(entry).collect();
    let (_, root_start, root_len) = entries.first()?.clone();
    let (_, start, len) = entries.iter().find(|(n, ..)| n == "Workbook" || n == "Book")?.clone();
    let len = len.min(bytes.len());
    if len >= u32_at(bytes, 0x38)?.min(1 << 20) {
        return cfb.chain(start, len);
    }
    // A small stream lives in the mini stream, in 64-byte sectors.
    let mini = cfb.chain(root_start, root_len.min(bytes.len()))?;
    let minifat_bytes = cfb.chain(u32_at(bytes, 0x3C)?, bytes.len())?;
    let minifat: Vec<usize> = (0..minifat_bytes.len() / 4).filter_map(|i| u32_at(&minifat_bytes, 4 * i)).collect();
    let mut out = Vec::new();
    let mut id = start;
    while id < END - 8 && out.len() < len && out.len() <= mini.len() {
        out.extend_from_slice(mini.get(id * 64..id * 64 + 64)?);
        id = *minifat.get(id)?;
    }
    out.truncate(len);
    Some(out)
}

/// An `.xls` checked before the reader opens it: every sheet's declared
/// extent and the extent of its cells within the caps.
pub fn check(bytes: &[u8]) -> Result<(), Refusal> {
    let Some(stream) = workbook_stream(bytes) else {
        return Ok(());
    };
    let mut names = Vec::new();
    let mut sheet: Option<(String, Extent)> = None;
    let mut bofs = 0usize;
    let mut cells = 0u64;
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + len).unwrap_or_default();
        at += 4 + len;
        match typ {
            0x0085 => names.push(sheet_name(data)),
            0x0809 => {
                bofs += 1;
                let name = names.get(bofs.wrapping_sub(2)).cloned().unwrap_or_else(|| format!("number {}", bofs - 1));
                sheet = (bofs > 1).then(|| (format!(", sheet \"{}\"", super::workbook_scan::cut(&name)), Extent::default()));
            }
            0x000A => {
                if let Some((_, e)) = sheet.take() {
                    cells = cells.saturating_add(e.area());
                }
            }
            _ => {}
        }
        let Some((place, extent)) = sheet.as_mut() else {
            continue;
        };
        record(typ, data, extent).map_err(|m| (place.clone(), m))?;
        if cells.saturating_add(extent.area()) > MAX_CELLS {
            return Err((String::new(), format!("has more than {MAX_CELLS} cells in its sheets together; save the data as CSV")));
        }
    }
    Ok(())
}

/// A BOUNDSHEET record's sheet name.
fn sheet_name(data: &[u8]) -> String {
    let n = data.get(6).copied().unwrap_or(0) as usize;
    let wide = data.get(7).copied().unwrap_or(0) & 1 == 1;
    let raw = data.get(8..).unwrap_or_default();
    if wide {
        let units: Vec<u16> = (0..n).filter_map(|i| u16_at(raw, 2 * i).map(|c| c as u16)).collect();
        String::from_utf16_lossy(&units)
    } else {
        raw.iter().take(n).map(|&b| char::from(b)).collect()
    }
}

/// One record of a sheet: a declared extent (DIMENSIONS) or a cell, held to
/// the caps.
fn record(typ: usize, data: &[u8], extent: &mut Extent) -> Result<(), String> {
    let cell = |extent: &mut Extent, last_col: Option<usize>| -> Result<(), String> {
        let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) else {
            return Ok(());
        };
        let cols = last_col.map_or(1, |l| l.saturating_sub(col) + 1);
        extent.add(row as u64 + 1, col as u64, 1, cols as u64)
    };
    match typ {
        0x0200 => {
            let (rf, rl, cf, cl) = match data.len() {
                10 => (u16_at(data, 0), u16_at(data, 2), u16_at(data, 4), u16_at(data, 6)),
                _ => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
            };
            let (rf, rl, cf, cl) = (rf.unwrap_or(0), rl.unwrap_or(0), cf.unwrap_or(0), cl.unwrap_or(0));
            let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
            if rl >= 1 && cl >= 1 {
                if rl - 1 < rf || cl <= cf {
                    return Err("declares an extent that ends before it starts; open it in Excel and save it again".into());
                }
                let mut declared = Extent::default();
                declared.add(rf as u64 + 1, cf as u64, (rl - rf) as u64, cl.saturating_sub(cf) as u64)?;
            }
            Ok(())
        }
        0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x0006 => cell(extent, None),
        0x00BD => cell(extent, data.len().checked_sub(2).and_then(|l| u16_at(data, l))),
        _ => Ok(()),
    }
}
