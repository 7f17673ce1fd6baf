// Subject names and contexts, as the registry and its clients both need them.
//
//   split_subject(":.stg:orders")            -> {".stg", "orders"}
//   reference_subject(".stg", "item")         -> ":.stg:item"
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace sluice::registry {

// Splits ":.ctx:name" into {".ctx", "name"}; anything else is {".", subject}.
std::pair<std::string, std::string> split_subject(std::string_view subject);

// The subject a schema reference names, for a referrer in `context` (".", ".ctx"): a
// subject without a context of its own is in the referrer's ("item" referenced from
// ":.stg:basket" is ":.stg:item"), as Confluent's registry resolves it.
std::string reference_subject(std::string_view context, std::string_view subject);

}  // namespace sluice::registry
