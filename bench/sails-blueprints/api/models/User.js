// Sails' classic pair, as `sails generate model` and a new app's defaults have it.
module.exports = {
  attributes: {
    name: { type: 'string' },
    pets: { collection: 'pet', via: 'owner' },
  },
};
