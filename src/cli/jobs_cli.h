// `disan jobs` (list the background jobs) and `disan derive` (make derivatives now).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "media/jobs.h"
#include "store/store.h"

namespace disan::cli {

// One line per job, newest first: "id  state  kind  media  attempts  updated_at  last_error".
Status PrintJobs(MetadataStore& store, const std::string& state, std::ostream& out);

// Makes the derivatives of the given media (every one when `all`), one after the other, with
// progress on `progress`; prints "<id>\tok" or "<id>\tfailed: ..." per media on `out`. Fails
// when any failed (the others are still made).
Status DeriveNow(MetadataStore& store, media::JobRunner& runner, bool all,
                 const std::vector<std::string>& ids, std::ostream& out, std::ostream& progress);

}  // namespace disan::cli
