## Extra reference cases for observatoire.stats, written for this project (not part of
## ../shared/reference). Run inside tests/stats/reference_cases with R >= 4.2 and survey 4.1.1:
##   Rscript extra_cases.R
## Each case folder gets data.csv (data(api) from the survey package, GPL-2|GPL-3), case.json and
## expected.json (values printed with %.17g; null = NA).
suppressPackageStartupMessages(library(survey))
data(api)

num <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1]) || !is.finite(x[1])) "null" else sprintf("%.17g", as.numeric(x[1]))
txt <- function(x) if (is.null(x) || length(x) == 0 || is.na(x[1])) "null" else paste0('"', x[1], '"')
row <- function(kind, variable, level, by, domain, ci, est, se, lo = NA, hi = NA, deff = NA)
  sprintf('{"kind": %s, "variable": %s, "level": %s, "by": %s, "domain": %s, "ci": %s, "estimate": %s, "se": %s, "ci_low": %s, "ci_high": %s, "deff": %s}',
          txt(kind), txt(variable), txt(level), txt(by), txt(domain), txt(ci), num(est), num(se), num(lo), num(hi), num(deff))
overall <- function(kind, variable, st) row(kind, variable, NA, NA, NA, NA, coef(st), SE(st), deff = deff(st))
by_rows <- function(kind, variable, b, by) {
  d <- as.character(b[[by]])
  sapply(seq_along(d), function(i) row(kind, variable, NA, by, d[i], NA, coef(b)[i], SE(b)[i]))
}
prop_row <- function(variable, level, p, method)
  row("proportion", variable, level, NA, NA, method, as.numeric(p), sqrt(as.numeric(attr(p, "var"))),
      attr(p, "ci")[1], attr(p, "ci")[2])
prop_by_rows <- function(variable, level, b, by, method) {
  d <- as.character(b[[by]])
  sapply(seq_along(d), function(i) row("proportion", variable, level, by, d[i], method,
                                       coef(b)[i], SE(b)[i], b$ci_l[i], b$ci_u[i]))
}
write_case <- function(id, data, case_json, weights, rows) {
  dir.create(id, showWarnings = FALSE)
  write.csv(data, file.path(id, "data.csv"), row.names = FALSE, na = "")
  writeLines(case_json, file.path(id, "case.json"))
  w <- if (is.null(weights)) "null" else paste0("[", paste(sprintf("%.17g", weights), collapse = ", "), "]")
  writeLines(paste0('{\n  "id": "', id, '",\n  "weights_after_calibration": ', w,
                    ',\n  "estimates": [\n    ', paste(rows, collapse = ",\n    "),
                    '\n  ],\n  "r_version": "', R.version.string, '",\n  "survey_version": "',
                    packageVersion("survey"), '"\n}'), file.path(id, "expected.json"))
}

## 1. apistrat_trimmed: calibrate(raking) on stype + sch.wide, then trimWeights(lower=16, upper=40)
des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch.wideYes = 5122)
cal <- calibrate(des, ~stype + sch.wide, pop, calfun = "raking", epsilon = 1e-13, maxit = 200)
tr <- trimWeights(cal, lower = 16, upper = 40, strict = FALSE)
rows <- c(
  overall("mean", "api00", svymean(~api00, tr, deff = TRUE)),
  overall("total", "enroll", svytotal(~enroll, tr, deff = TRUE)),
  by_rows("mean", "api00", svyby(~api00, ~stype, tr, svymean), "stype"),
  prop_row("awards", "Yes", svyciprop(~I(awards == "Yes"), tr, method = "logit"), "logit"),
  prop_row("awards", "Yes", svyciprop(~I(awards == "Yes"), tr, method = "beta"), "beta"),
  prop_by_rows("awards", "Yes", svyby(~I(awards == "Yes"), ~stype, tr, svyciprop, method = "logit", vartype = c("se", "ci")), "stype", "logit"),
  prop_by_rows("awards", "Yes", svyby(~I(awards == "Yes"), ~stype, tr, svyciprop, method = "beta", vartype = c("se", "ci")), "stype", "beta")
)
write_case("apistrat_trimmed", apistrat, '{
  "id": "apistrat_trimmed",
  "design": {"weights": "pw", "strata": "stype", "cluster": null, "fpc": "fpc"},
  "calibration": {
    "method": "raking",
    "margins": [
      {"variable": "stype", "totals": {"E": 4421.0, "H": 755.0, "M": 1018.0}},
      {"variable": "sch.wide", "totals": {"No": 1072.0, "Yes": 5122.0}}
    ],
    "trim": {"lower": 16, "upper": 40, "strict": false}
  },
  "estimates": [
    {"kind": "mean", "variable": "api00", "level": null, "by": null, "ci": null},
    {"kind": "total", "variable": "enroll", "level": null, "by": null, "ci": null},
    {"kind": "mean", "variable": "api00", "level": null, "by": "stype", "ci": null},
    {"kind": "proportion", "variable": "awards", "level": "Yes", "by": null, "ci": "logit"},
    {"kind": "proportion", "variable": "awards", "level": "Yes", "by": null, "ci": "beta"},
    {"kind": "proportion", "variable": "awards", "level": "Yes", "by": "stype", "ci": "logit"},
    {"kind": "proportion", "variable": "awards", "level": "Yes", "by": "stype", "ci": "beta"}
  ]
}', weights(tr), rows)

## 2. apiclus1_linear: cluster sample, linear (GREG) calibration on stype, a variable with NA
##    (avg.ed, na.rm = TRUE) and proportions in small domains (counties, 2 to 55 schools).
des <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
pop <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018)
lin <- calibrate(des, ~stype, pop, calfun = "linear")
rows <- c(
  overall("mean", "api00", svymean(~api00, lin, deff = TRUE)),
  overall("mean", "avg.ed", svymean(~avg.ed, lin, na.rm = TRUE, deff = TRUE)),
  by_rows("mean", "avg.ed", svyby(~avg.ed, ~stype, lin, svymean, na.rm = TRUE), "stype"),
  prop_by_rows("sch.wide", "Yes", svyby(~I(sch.wide == "Yes"), ~cname, lin, svyciprop, method = "logit", vartype = c("se", "ci")), "cname", "logit"),
  prop_by_rows("sch.wide", "Yes", svyby(~I(sch.wide == "Yes"), ~cname, lin, svyciprop, method = "beta", vartype = c("se", "ci")), "cname", "beta")
)
write_case("apiclus1_linear", apiclus1, '{
  "id": "apiclus1_linear",
  "design": {"weights": "pw", "strata": null, "cluster": "dnum", "fpc": "fpc"},
  "calibration": {
    "method": "linear",
    "margins": [{"variable": "stype", "totals": {"E": 4421.0, "H": 755.0, "M": 1018.0}}],
    "trim": null
  },
  "estimates": [
    {"kind": "mean", "variable": "api00", "level": null, "by": null, "ci": null},
    {"kind": "mean", "variable": "avg.ed", "level": null, "by": null, "ci": null},
    {"kind": "mean", "variable": "avg.ed", "level": null, "by": "stype", "ci": null},
    {"kind": "proportion", "variable": "sch.wide", "level": "Yes", "by": "cname", "ci": "logit"},
    {"kind": "proportion", "variable": "sch.wide", "level": "Yes", "by": "cname", "ci": "beta"}
  ]
}', weights(lin), rows)

## 3. apistrat_domains: uncalibrated stratified design, proportions by county (small domains,
##    several with p = 0 or 1 -> no interval) and Wald intervals of domain means.
des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
rows <- c(
  prop_by_rows("awards", "Yes", svyby(~I(awards == "Yes"), ~cname, des, svyciprop, method = "logit", vartype = c("se", "ci")), "cname", "logit"),
  prop_by_rows("awards", "Yes", svyby(~I(awards == "Yes"), ~cname, des, svyciprop, method = "beta", vartype = c("se", "ci")), "cname", "beta")
)
write_case("apistrat_domains", apistrat, '{
  "id": "apistrat_domains",
  "design": {"weights": "pw", "strata": "stype", "cluster": null, "fpc": "fpc"},
  "calibration": null,
  "estimates": [
    {"kind": "proportion", "variable": "awards", "level": "Yes", "by": "cname", "ci": "logit"},
    {"kind": "proportion", "variable": "awards", "level": "Yes", "by": "cname", "ci": "beta"}
  ]
}', NULL, rows)

## 4. apistrat_lonely: one school moved to a stratum of its own ("X"), options(survey.lonely.psu =
##    "adjust"); uncalibrated, then raked on sch.wide. Only estimates whose influence values sum
##    to zero over the sample are kept (means; and, after raking on one margin, every estimate:
##    the calibration residuals sum to zero in each sch.wide category), so survey 4.1.1 and
##    survey >= 4.3 (lonely PSU centred on the average PSU total) give the same values. The
##    uncalibrated total is left out: its value changed in survey 4.3 (see ../README.md).
lonely <- apistrat
lonely$stype <- as.character(lonely$stype)
lonely$stype[1] <- "X"
options(survey.lonely.psu = "adjust")
des <- svydesign(id = ~1, strata = ~stype, weights = ~pw, data = lonely)
cal <- calibrate(des, ~sch.wide, c(`(Intercept)` = 6194, sch.wideYes = 5122), calfun = "raking", epsilon = 1e-13, maxit = 200)
rows <- c(
  overall("mean", "api00", svymean(~api00, des, deff = TRUE)),
  by_rows("mean", "api00", svyby(~api00, ~stype, des, svymean), "stype")
)
write_case("apistrat_lonely", lonely, '{
  "id": "apistrat_lonely",
  "design": {"weights": "pw", "strata": "stype", "cluster": null, "fpc": null, "lonely_psu": "adjust"},
  "calibration": null,
  "estimates": [
    {"kind": "mean", "variable": "api00", "level": null, "by": null, "ci": null},
    {"kind": "mean", "variable": "api00", "level": null, "by": "stype", "ci": null}
  ]
}', NULL, rows)
rows <- c(
  overall("mean", "api00", svymean(~api00, cal, deff = TRUE)),
  overall("total", "enroll", svytotal(~enroll, cal, deff = TRUE)),
  by_rows("mean", "api00", svyby(~api00, ~stype, cal, svymean), "stype")
)
write_case("apistrat_lonely_raked", lonely, '{
  "id": "apistrat_lonely_raked",
  "design": {"weights": "pw", "strata": "stype", "cluster": null, "fpc": null, "lonely_psu": "adjust"},
  "calibration": {
    "method": "raking",
    "margins": [{"variable": "sch.wide", "totals": {"No": 1072.0, "Yes": 5122.0}}],
    "trim": null
  },
  "estimates": [
    {"kind": "mean", "variable": "api00", "level": null, "by": null, "ci": null},
    {"kind": "total", "variable": "enroll", "level": null, "by": null, "ci": null},
    {"kind": "mean", "variable": "api00", "level": null, "by": "stype", "ci": null}
  ]
}', weights(cal), rows)
options(survey.lonely.psu = "fail")
