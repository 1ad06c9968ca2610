-- One channel per department and per party organisation: two nodes syncing the org
-- tree at the same moment must not both create one.
CREATE UNIQUE INDEX channels_one_per_department ON channels (department_id) WHERE kind = 'department';
CREATE UNIQUE INDEX channels_one_per_party_org ON channels (party_org_id) WHERE kind = 'party';
