#include "media/probe.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "common/file_system.h"
#include "media/libav_util.h"

extern "C" {
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/mem.h>
}

namespace canvass::media {
namespace {

constexpr int kAvioBufferBytes = 64 * 1024;

// The state behind the custom AVIOContext.
struct CallbackSource {
  const ReadAtFn* read_at;
  int64_t size_bytes;
  int64_t position = 0;
  Status read_error;  // The first failure of read_at, reported instead of libav's EIO.
};

int ReadPacket(void* opaque, uint8_t* buf, int buf_size) {
  auto* src = static_cast<CallbackSource*>(opaque);
  if (src->position >= src->size_bytes || buf_size <= 0) return AVERROR_EOF;
  const size_t want =
      static_cast<size_t>(std::min<int64_t>(buf_size, src->size_bytes - src->position));
  StatusOr<std::string> data = (*src->read_at)(src->position, want);
  if (!data.ok()) {
    if (src->read_error.ok()) src->read_error = data.status();
    return AVERROR(EIO);
  }
  const size_t got = std::min(data->size(), want);
  if (got == 0) return AVERROR_EOF;
  std::memcpy(buf, data->data(), got);
  src->position += static_cast<int64_t>(got);
  return static_cast<int>(got);
}

int64_t Seek(void* opaque, int64_t offset, int whence) {
  auto* src = static_cast<CallbackSource*>(opaque);
  if (whence & AVSEEK_SIZE) return src->size_bytes;
  int64_t target = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET:
      target = offset;
      break;
    case SEEK_CUR:
      target = src->position + offset;
      break;
    case SEEK_END:
      target = src->size_bytes + offset;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (target < 0) return AVERROR(EINVAL);
  src->position = target;
  return target;
}

// Refuses every nested open. Playlist and concat demuxers (hls, dash, concat, ...) would otherwise
// open the files and URLs an uploaded "video" names: a clip is probed by its own bytes only.
int RefuseNestedOpen(AVFormatContext*, AVIOContext**, const char*, int, AVDictionary**) {
  return AVERROR(EPERM);
}

// Owns the AVIOContext and the AVFormatContext of one probe.

// True when the demuxer's header alone gives a video stream with codec, size and a duration.
bool HeaderDescribesVideo(const AVFormatContext& format) {
  if (format.ctx_flags & AVFMTCTX_NOHEADER) return false;
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    const AVStream* st = format.streams[i];
    const AVCodecParameters* par = st->codecpar;
    if (par->codec_type != AVMEDIA_TYPE_VIDEO || par->codec_id == AV_CODEC_ID_NONE ||
        par->width <= 0 || par->height <= 0) {
      continue;
    }
    if ((format.duration != AV_NOPTS_VALUE && format.duration > 0) ||
        (st->duration != AV_NOPTS_VALUE && st->duration > 0)) {
      return true;
    }
  }
  return false;
}

class ProbeSession {
 public:
  ~ProbeSession() {
    if (format_ != nullptr) avformat_close_input(&format_);
    if (avio_ != nullptr) {
      av_freep(&avio_->buffer);
      avio_context_free(&avio_);
    }
  }

  Status Open(CallbackSource* source) {
    auto* buffer = static_cast<unsigned char*>(av_malloc(kAvioBufferBytes));
    if (buffer == nullptr) return ResourceExhaustedError("out of memory for the probe buffer");
    avio_ = avio_alloc_context(buffer, kAvioBufferBytes, /*write_flag=*/0, source, &ReadPacket,
                               nullptr, &Seek);
    if (avio_ == nullptr) {
      av_free(buffer);
      return ResourceExhaustedError("out of memory for the probe I/O context");
    }
    AVFormatContext* format = avformat_alloc_context();
    if (format == nullptr) return ResourceExhaustedError("out of memory for the probe context");
    format->pb = avio_;
    format->flags |= AVFMT_FLAG_CUSTOM_IO;
    format->io_open = &RefuseNestedOpen;
    // On failure avformat_open_input frees `format` (but not the custom AVIOContext).
    int rc = avformat_open_input(&format, nullptr, nullptr, nullptr);
    if (rc < 0) return LibavFailure(source, rc, "unrecognised data");
    format_ = format;
    // Containers with a header (MP4, MOV, Matroska) describe their streams fully: decoding frames
    // to learn what the header already says costs more than the rest of ingest together (see
    // docs/benchmarks.md). Only headerless formats (MPEG-TS, raw streams) need the slow path.
    if (!HeaderDescribesVideo(*format_)) {
      rc = avformat_find_stream_info(format_, nullptr);
      if (rc < 0) return LibavFailure(source, rc, "cannot read its streams");
    }
    return OkStatus();
  }

  AVFormatContext* format() const { return format_; }

 private:
  static Status LibavFailure(CallbackSource* source, int rc, std::string_view what) {
    if (!source->read_error.ok()) return source->read_error;
    return InvalidArgumentError("not a video: " + std::string(what) + " (" + AvErrorString(rc) +
                                ")");
  }

  AVIOContext* avio_ = nullptr;
  AVFormatContext* format_ = nullptr;
};

bool IsImageDemuxer(std::string_view name) {
  constexpr std::string_view kPipe = "_pipe";
  return name == "image2" || name == "image2pipe" || name == "apng" ||
         (name.size() > kPipe.size() && name.substr(name.size() - kPipe.size()) == kPipe);
}

std::string ContainerName(const AVFormatContext& format) {
  std::string_view name = format.iformat->name;
  if (name == "mov,mp4,m4a,3gp,3g2,mj2") {
    const AVDictionaryEntry* brand = av_dict_get(format.metadata, "major_brand", nullptr, 0);
    if (brand != nullptr && std::string_view(brand->value).substr(0, 2) == "qt") return "mov";
    return "mp4";
  }
  return std::string(name.substr(0, name.find(',')));
}

int64_t DurationUs(const AVFormatContext& format, const AVStream& video) {
  if (format.duration != AV_NOPTS_VALUE && format.duration > 0) return format.duration;
  if (video.duration != AV_NOPTS_VALUE && video.duration > 0) {
    return av_rescale_q(video.duration, video.time_base, AVRational{1, 1000000});
  }
  return 0;
}

}  // namespace

StatusOr<VideoInfo> ProbeVideo(const ReadAtFn& read_at, int64_t size_bytes) {
  if (size_bytes < 0) {
    return InvalidArgumentError("size must be >= 0, got " + std::to_string(size_bytes));
  }
  if (size_bytes == 0) return InvalidArgumentError("not a video: the data is empty");
  if (!read_at) return InvalidArgumentError("ProbeVideo needs a read function");
  QuietLibavLogging();

  CallbackSource source{.read_at = &read_at, .size_bytes = size_bytes};
  ProbeSession session;
  CANVASS_RETURN_IF_ERROR(session.Open(&source));
  // libav may shrug off a failed read; the caller's data is corrupt all the same.
  if (!source.read_error.ok()) return source.read_error;
  const AVFormatContext& format = *session.format();

  const std::string_view demuxer = format.iformat->name;
  if (IsImageDemuxer(demuxer)) {
    return InvalidArgumentError("not a video: a still image (" + std::string(demuxer) + ")");
  }

  const AVStream* video = nullptr;
  bool has_audio = false;
  for (unsigned i = 0; i < format.nb_streams; ++i) {
    const AVStream* stream = format.streams[i];
    const AVMediaType type = stream->codecpar->codec_type;
    if (type == AVMEDIA_TYPE_AUDIO) has_audio = true;
    if (type == AVMEDIA_TYPE_VIDEO && video == nullptr &&
        (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) == 0) {
      video = stream;
    }
  }
  if (video == nullptr) {
    return InvalidArgumentError("no video stream in the " + ContainerName(format) + " data" +
                                (has_audio ? " (audio only)" : ""));
  }
  const AVCodecParameters& par = *video->codecpar;
  if (par.width <= 0 || par.height <= 0) {
    return InvalidArgumentError("not a video: the video stream has no dimensions");
  }

  VideoInfo info;
  info.container = ContainerName(format);
  info.video_codec = avcodec_get_name(par.codec_id);
  info.width = par.width;
  info.height = par.height;
  info.duration_us = DurationUs(format, *video);
  info.has_audio = has_audio;
  if (info.duration_us <= 0) {
    return InvalidArgumentError("not a video: the " + info.container + " data (" +
                                info.video_codec + ") has no duration");
  }
  return info;
}

StatusOr<VideoInfo> ProbeVideoFile(const std::string& path) {
  CANVASS_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file,
                           FileSystem::Posix()->OpenRandomAccess(path));
  CANVASS_ASSIGN_OR_RETURN(int64_t size_bytes, file->Size());
  const RandomAccessFile* f = file.get();
  StatusOr<VideoInfo> info =
      ProbeVideo([f](int64_t offset, size_t n) { return f->ReadAt(offset, n); }, size_bytes);
  if (!info.ok()) return info.status().WithContext(path);
  return info;
}

namespace {

struct ContainerNames {
  std::string_view container, extension, mime_type;
};
// The containers ProbeVideo names, with their file name extension and MIME type.
constexpr ContainerNames kContainers[] = {
    {"mp4", ".mp4", "video/mp4"},
    {"mov", ".mov", "video/quicktime"},
    {"matroska", ".mkv", "video/x-matroska"},
    {"mpegts", ".ts", "video/mp2t"},
    {"avi", ".avi", "video/x-msvideo"},
};
constexpr ContainerNames kUnknownContainer = {"", ".bin", "application/octet-stream"};

const ContainerNames& NamesOf(std::string_view container) {
  for (const ContainerNames& c : kContainers) {
    if (c.container == container) return c;
  }
  return kUnknownContainer;
}

}  // namespace

std::string ContainerFileExtension(std::string_view container) {
  return std::string(NamesOf(container).extension);
}

std::string ContainerMimeType(std::string_view container) {
  return std::string(NamesOf(container).mime_type);
}

}  // namespace canvass::media
