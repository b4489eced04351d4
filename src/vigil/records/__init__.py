"""The Django models: the only place that defines tables. Each app keeps its label, so
migrations stay valid. Domain packages import records; records import no domain and no web."""
