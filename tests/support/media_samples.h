// The first bytes of files of every format Disan accepts, and of some it refuses: just enough
// for content-based type detection (they are not decodable images or sounds). Built in code so
// that no binary fixture is needed.
#pragma once

#include <cstdint>
#include <string>

namespace disan::testing {

inline std::string LittleEndian(uint64_t v, int bytes) {
  std::string out;
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

inline std::string BigEndian(uint64_t v, int bytes) {
  std::string out;
  for (int i = bytes - 1; i >= 0; --i) out += static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

inline std::string SampleJpeg() {
  return std::string("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb",
                     22) +
         std::string(200, '\x10');
}

// A PNG header declaring width x height (the decompression-bomb case is a huge declaration).
inline std::string SamplePng(uint32_t width = 64, uint32_t height = 32) {
  std::string ihdr =
      BigEndian(width, 4) + BigEndian(height, 4) + std::string("\x08\x02\x00\x00\x00", 5);
  return std::string("\x89PNG\r\n\x1a\n", 8) + BigEndian(13, 4) + "IHDR" + ihdr +
         std::string(4, '\0') + BigEndian(0, 4) + "IEND" + std::string(4, '\0');
}

inline std::string SampleTiff() {
  return std::string("II*\0\x08\0\0\0", 8) + std::string(64, '\0');
}
inline std::string SampleBigTiff() {
  return std::string("II+\0\x08\0\0\0\x10\0\0\0\0\0\0\0", 16) + std::string(64, '\0');
}
inline std::string SampleWebp() {
  return "RIFF" + LittleEndian(100, 4) + "WEBPVP8 " + std::string(92, '\0');
}
inline std::string SampleJp2() {
  return std::string("\0\0\0\x0cjP  \r\n\x87\n", 12) + BigEndian(20, 4) + "ftypjp2 " +
         std::string(4, '\0') + "jp2 " + std::string(40, '\0');
}
inline std::string SampleJ2k() {
  return std::string("\xff\x4f\xff\x51", 4) + std::string(60, '\0');
}
inline std::string SamplePdf() {
  return "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
}

// A 44-byte RIFF/WAVE header for `data_bytes` of 16-bit stereo PCM at 44.1 kHz.
inline std::string WavHeader(uint32_t data_bytes) {
  return "RIFF" + LittleEndian(36 + uint64_t{data_bytes}, 4) + "WAVEfmt " + LittleEndian(16, 4) +
         LittleEndian(1, 2) + LittleEndian(2, 2) + LittleEndian(44100, 4) +
         LittleEndian(44100 * 4, 4) + LittleEndian(4, 2) + LittleEndian(16, 2) + "data" +
         LittleEndian(data_bytes, 4);
}
inline std::string SampleWav() { return WavHeader(1000) + std::string(1000, '\0'); }
inline std::string SampleFlac() { return std::string("fLaC\0\0\0\x22", 8) + std::string(34, '\0'); }
inline std::string SampleMp3() {
  return std::string("ID3\x03\0\0\0\0\0\0\xff\xfb\x90\x64", 14) + std::string(400, '\0');
}
inline std::string SampleMp4() {
  return BigEndian(24, 4) + "ftypisom" + BigEndian(0x200, 4) + "isomiso2" + BigEndian(8, 4) +
         "free";
}
inline std::string SampleWebm() {
  return std::string(
      "\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82"
      "\x84webm\x42\x87\x81\x04\x42\x85\x81\x02",
      36);
}
inline std::string SampleGlb() {
  std::string json = "{\"asset\":{\"version\":\"2.0\"}}";
  while (json.size() % 4) json += ' ';
  return "glTF" + LittleEndian(2, 4) + LittleEndian(12 + 8 + json.size(), 4) +
         LittleEndian(json.size(), 4) + "JSON" + json;
}
inline std::string SampleGltf() {
  return "{\n  \"asset\": {\"generator\": \"Khronos glTF Blender I/O\", \"version\": \"2.0\"},\n"
         "  \"scenes\": [{\"nodes\": [0]}], \"nodes\": [{\"mesh\": 0}]\n}\n";
}
inline std::string SampleObj() {
  return "# Blender v3.6 OBJ File\nmtllib tuong.mtl\no Tuong\nv 1.0 1.0 -1.0\nv 1.0 -1.0 -1.0\nv "
         "-1.0 -1.0 -1.0\n"
         "vt 0.1 0.2\nvn 0 1 0\nusemtl Da\ns off\nf 1/1/1 2/1/1 3/1/1\n";
}
inline std::string SamplePly() {
  return "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\nproperty "
         "float z\n"
         "end_header\n0 0 0\n1 0 0\n0 1 0\n";
}

// Files that must be refused.
inline std::string SampleElf() {
  return std::string(
             "\x7f"
             "ELF\x02\x01\x01\0",
             8) +
         std::string(8, '\0') + LittleEndian(2, 2) + LittleEndian(0x3e, 2) + LittleEndian(1, 4) +
         std::string(100, '\0');
}
inline std::string SamplePe() {
  return std::string("MZ\x90\0", 4) + std::string(56, '\0') + LittleEndian(0x80, 4) +
         std::string(64, '\0') + std::string("PE\0\0", 4) + std::string(100, '\0');
}
inline std::string SampleZip() { return std::string("PK\x03\x04", 4) + std::string(60, '\0'); }
inline std::string SampleHtml() {
  return "<!DOCTYPE html>\n<html><body><script>alert(1)</script></body></html>\n";
}
inline std::string SampleSvg() {
  return "<?xml version=\"1.0\"?><svg "
         "xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
}

}  // namespace disan::testing
