"""Provincial progress dispatches (调度): questions and figures asked of pilots, answers, completeness and timeliness."""
